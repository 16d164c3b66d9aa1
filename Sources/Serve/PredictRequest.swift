import Foundation
import ImageFiles

/// A predict request's faces, decoded from TensorFlow Serving's JSON: the row format
/// `{"instances": [...]}` or the columnar format `{"inputs": ...}`.
///
/// A face is a 96×96 gray array with values 0–255 (nested as [96][96], [96][96][1] or
/// [1][96][96], or flat [9216]), `{"b64": "..."}` holding a PNG or JPEG file (made gray,
/// centre-cropped and resized as `faces_from_images` does), or either inside `{"image": ...}`.
/// Columnar inputs are a list of faces or `{"image": [faces]}`.
public struct PredictRequest {
    /// The faces' pixels, face after face, `size * size` values each.
    public var pixels: [Float]
    /// How many faces.
    public var count: Int
    /// True for the columnar format (the answer is then columnar too: `{"outputs": ...}`).
    public var columnar: Bool

    /// The input's name in the model's signature.
    public static let inputName = "image"

    /// Parses a request body for faces of `size`×`size`; at most `maxFaces` faces.
    public init(body: [UInt8], size: Int, maxFaces: Int) throws {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: Data(body), options: [.fragmentsAllowed]) } catch {
            throw ServingError.badRequest("the body is not valid JSON: \(PredictRequest.reason(error))")
        }
        guard let top = object as? [String: Any] else {
            throw ServingError.badRequest("the body must be a JSON object with \"instances\" or \"inputs\"")
        }
        if let signature = top["signature_name"], (signature as? String).map({ $0 != "serving_default" && !$0.isEmpty }) ?? true {
            throw ServingError.badRequest("unknown signature_name \(signature); the model has \"serving_default\"")
        }
        let faces: [Any]
        switch (top["instances"], top["inputs"]) {
        case (let instances?, nil):
            guard let list = instances as? [Any] else { throw ServingError.badRequest("\"instances\" must be a list of faces") }
            faces = list; columnar = false
        case (nil, let inputs?):
            columnar = true
            if let list = inputs as? [Any] {
                faces = list
            } else if let named = inputs as? [String: Any] {
                if named["b64"] != nil {
                    faces = [named]
                } else {
                    guard let list = named[PredictRequest.inputName] as? [Any] else {
                        throw ServingError.badRequest("\"inputs\" must be a list of faces or {\"image\": [faces]}")
                    }
                    let unknown = named.keys.filter { $0 != PredictRequest.inputName }
                    guard unknown.isEmpty else { throw ServingError.badRequest("unknown input \(unknown.sorted()[0]); the model's input is \"image\"") }
                    faces = list
                }
            } else {
                throw ServingError.badRequest("\"inputs\" must be a list of faces or {\"image\": [faces]}")
            }
        case (nil, nil): throw ServingError.badRequest("the body needs \"instances\" (rows) or \"inputs\" (columns)")
        default: throw ServingError.badRequest("give either \"instances\" or \"inputs\", not both")
        }
        guard !faces.isEmpty else { throw ServingError.badRequest("no faces in the request") }
        guard faces.count <= maxFaces else { throw ServingError.badRequest("\(faces.count) faces in one request; at most \(maxFaces)") }
        var pixels: [Float] = []
        pixels.reserveCapacity(faces.count * size * size)
        for (i, face) in faces.enumerated() {
            try PredictRequest.append(face, index: i, size: size, to: &pixels)
        }
        self.pixels = pixels
        self.count = faces.count
    }

    /// Appends one face's pixels.
    static func append(_ face: Any, index: Int, size: Int, to pixels: inout [Float]) throws {
        if let object = face as? [String: Any] {
            if let b64 = object["b64"] {
                guard object.count == 1 else { throw ServingError.badRequest("face \(index): {\"b64\": ...} takes no other fields") }
                guard let text = b64 as? String else { throw ServingError.badRequest("face \(index): \"b64\" must be a string") }
                guard let data = Data(base64Encoded: text, options: [.ignoreUnknownCharacters]), !data.isEmpty else {
                    throw ServingError.badRequest("face \(index): \"b64\" is not valid base64")
                }
                do {
                    let picture = try PictureDecoder.decodeGray([UInt8](data), source: "face \(index)")
                    pixels += try FacePhotos.face(picture, size: size).pixels.map(Float.init)
                } catch let error as ImageFileError {
                    throw ServingError.badRequest("\(error)")
                }
                return
            }
            guard object.count == 1, let inner = object[inputName] else {
                throw ServingError.badRequest("face \(index): an object must be {\"b64\": ...} or {\"image\": ...}")
            }
            if inner is [String: Any] { return try append(inner, index: index, size: size, to: &pixels) }
            return try appendArray(inner, index: index, size: size, to: &pixels)
        }
        try appendArray(face, index: index, size: size, to: &pixels)
    }

    /// Appends a face given as nested number arrays, checking the shape and the range.
    static func appendArray(_ face: Any, index: Int, size: Int, to pixels: inout [Float]) throws {
        let start = pixels.count
        var shape: [Int] = []
        try flatten(face, depth: 0, shape: &shape, into: &pixels, index: index)
        let accepted = [[size, size], [size, size, 1], [1, size, size], [size * size]]
        guard accepted.contains(shape), pixels.count - start == size * size else {
            pixels.removeSubrange(start...)
            throw ServingError.badRequest("face \(index) has shape \(shape); a face is \(size)×\(size) gray values ([\(size), \(size)], [\(size), \(size), 1], [1, \(size), \(size)] or [\(size * size)]) or {\"b64\": ...}")
        }
    }

    private static func flatten(_ value: Any, depth: Int, shape: inout [Int], into pixels: inout [Float], index: Int) throws {
        if let list = value as? [Any] {
            guard depth < 4 else { throw ServingError.badRequest("face \(index) is nested too deeply") }
            if shape.count == depth { shape.append(list.count) } else if shape[depth] != list.count {
                throw ServingError.badRequest("face \(index) is ragged: rows of \(shape[depth]) and \(list.count) values")
            }
            for item in list { try flatten(item, depth: depth + 1, shape: &shape, into: &pixels, index: index) }
            if pixels.count > 4 * 1024 * 1024 { throw ServingError.badRequest("face \(index) has too many values") }
            return
        }
        guard shape.count == depth, !(value is String), !(value is NSNull), let number = value as? NSNumber else {
            throw ServingError.badRequest("face \(index) holds \(describe(value)) where a pixel value (0–255) or a list belongs")
        }
        let x = number.doubleValue
        guard x.isFinite, x >= 0, x <= 255 else {
            throw ServingError.badRequest("face \(index) has pixel value \(x); values must be 0–255")
        }
        pixels.append(Float(x))
    }

    private static func describe(_ value: Any) -> String {
        switch value {
        case is String: return "a string"
        case is NSNull: return "null"
        case is [String: Any]: return "an object"
        case is NSNumber: return "a number"
        default: return "a value"
        }
    }

    private static func reason(_ error: Error) -> String {
        let ns = error as NSError
        return (ns.userInfo[NSDebugDescriptionErrorKey] as? String) ?? ns.localizedDescription
    }
}
