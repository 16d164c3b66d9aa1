import Foundation

/// The 15 facial keypoints of Kaggle's facial-keypoints-detection data, in column order.
///
/// "Left" is the subject's left, which is on the right of the picture.
public enum KeypointNames {
    /// The 15 point names in Kaggle's column order.
    public static let points: [String] = [
        "left_eye_center", "right_eye_center",
        "left_eye_inner_corner", "left_eye_outer_corner",
        "right_eye_inner_corner", "right_eye_outer_corner",
        "left_eyebrow_inner_end", "left_eyebrow_outer_end",
        "right_eyebrow_inner_end", "right_eyebrow_outer_end",
        "nose_tip",
        "mouth_left_corner", "mouth_right_corner",
        "mouth_center_top_lip", "mouth_center_bottom_lip",
    ]

    /// The 30 coordinate columns: `NAME_x, NAME_y` for each point, in order.
    public static let columns: [String] = points.flatMap { ["\($0)_x", "\($0)_y"] }

    /// For each point, the point that a horizontal flip turns it into (left <-> right).
    public static let horizontalMirror: [Int] = points.map { name in
        let swapped: String
        if name.contains("left") {
            swapped = name.replacingOccurrences(of: "left", with: "right")
        } else if name.contains("right") {
            swapped = name.replacingOccurrences(of: "right", with: "left")
        } else {
            swapped = name
        }
        return points.firstIndex(of: swapped) ?? -1
    }

    /// For each point, the point that a vertical flip turns it into (top lip <-> bottom lip).
    public static let verticalMirror: [Int] = points.map { name in
        let swapped: String
        if name.contains("top_lip") {
            swapped = name.replacingOccurrences(of: "top_lip", with: "bottom_lip")
        } else if name.contains("bottom_lip") {
            swapped = name.replacingOccurrences(of: "bottom_lip", with: "top_lip")
        } else {
            swapped = name
        }
        return points.firstIndex(of: swapped) ?? -1
    }
}
