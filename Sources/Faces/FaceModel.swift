import Foundation
import Tensor

/// An expression: offsets from a person's neutral face, in face units (v down), at full intensity.
struct Expression {
    var browInnerDY: Float = 0     // + lowers the inner brow ends
    var browOuterDY: Float = 0     // + lowers the outer brow ends
    var browInnerDX: Float = 0     // - draws the inner ends together
    var browArch: Float = 0        // + arches the brows
    var eyeOpen: Float = 0         // relative change of eye opening (-0.3 = 30% narrower)
    var mouthLiftLeft: Float = 0   // + raises the subject's left mouth corner
    var mouthLiftRight: Float = 0  // + raises the subject's right mouth corner
    var mouthOpen: Float = 0       // opening height
    var mouthWidth: Float = 0      // relative change of mouth width
    var roundness: Float = 0       // 0 = lens-shaped mouth, 1 = round (an O)
    var lipThickness: Float = 0    // relative change of lip thickness
    var teeth: Float = 0           // 1 shows teeth in the opening
    var fold: Float = 0            // nose-to-mouth folds (smiles, disgust)
    var wrinkle: Float = 0         // wrinkles on the nose bridge

    /// This expression scaled by `t`.
    func scaled(_ t: Float) -> Expression {
        Expression(browInnerDY: browInnerDY * t, browOuterDY: browOuterDY * t, browInnerDX: browInnerDX * t,
                   browArch: browArch * t, eyeOpen: eyeOpen * t, mouthLiftLeft: mouthLiftLeft * t,
                   mouthLiftRight: mouthLiftRight * t, mouthOpen: mouthOpen * t, mouthWidth: mouthWidth * t,
                   roundness: roundness * t, lipThickness: lipThickness * t, teeth: teeth * t, fold: fold * t,
                   wrinkle: wrinkle * t)
    }

    /// This expression with the mouth (and nose folds) left neutral.
    var withoutMouth: Expression {
        var e = self
        e.mouthLiftLeft = 0; e.mouthLiftRight = 0; e.mouthOpen = 0; e.mouthWidth = 0
        e.roundness = 0; e.lipThickness = 0; e.teeth = 0; e.fold = 0
        return e
    }

    /// This expression with the brows and eyes left neutral.
    var withoutBrows: Expression {
        var e = self
        e.browInnerDY = 0; e.browOuterDY = 0; e.browInnerDX = 0; e.browArch = 0; e.eyeOpen = 0; e.wrinkle = 0
        return e
    }

    /// The full expression of an emotion by its FER2013 name (lowercased course names too).
    static func named(_ name: String) -> Expression {
        switch name.lowercased() {
        case "angry", "anger":
            return Expression(browInnerDY: 5.5, browOuterDY: -1.0, browInnerDX: -2.5, browArch: -1, eyeOpen: -0.35,
                              mouthLiftLeft: -1.5, mouthLiftRight: -1.5, mouthWidth: -0.15, lipThickness: -0.5,
                              fold: 0.3, wrinkle: 0.4)
        case "disgust":
            return Expression(browInnerDY: 3.5, browOuterDY: 1.5, browInnerDX: -1.5, eyeOpen: -0.45,
                              mouthLiftLeft: 3.0, mouthLiftRight: -2.0, mouthOpen: 2.5, mouthWidth: -0.05,
                              teeth: 1, fold: 1.0, wrinkle: 1.0)
        case "sad":
            return Expression(browInnerDY: -4.5, browOuterDY: 2.5, browInnerDX: -1.0, browArch: -0.5, eyeOpen: -0.2,
                              mouthLiftLeft: -4.5, mouthLiftRight: -4.5, mouthWidth: -0.05, lipThickness: 0.15)
        case "happy", "happiness":
            return Expression(browInnerDY: -0.8, browOuterDY: -0.8, eyeOpen: -0.25, mouthLiftLeft: 6, mouthLiftRight: 6,
                              mouthOpen: 4, mouthWidth: 0.25, teeth: 1, fold: 0.8)
        case "surprise":
            return Expression(browInnerDY: -6, browOuterDY: -5, browArch: 2, eyeOpen: 0.5, mouthOpen: 11,
                              mouthWidth: -0.4, roundness: 1)
        case "fear":
            return Expression(browInnerDY: -5, browOuterDY: -1.5, browInnerDX: -2, browArch: -1, eyeOpen: 0.45,
                              mouthLiftLeft: -1.5, mouthLiftRight: -1.5, mouthOpen: 4, mouthWidth: 0.2, teeth: 1)
        default:
            return Expression()
        }
    }
}

/// Everything that defines one synthetic face: pose, shape, features, lighting, noise.
struct FaceModel {
    // Pose (image pixels, radians).
    var cx: Float = 48, cy: Float = 50, scale: Float = 1, angle: Float = 0
    // Head.
    var headRX: Float = 37, headRY: Float = 47, jaw: Float = 0.2
    var skin: Float = 0.6, hair: Float = 0.15, hairline: Float = -31, hairVolume: Float = 5, hairSide: Float = 18, hairPart: Float = 0, hairLength: Float = 4
    var earY: Float = -6
    // Background and clothing.
    var bgA: Float = 0.3, bgB: Float = 0.5, bgAngle: Float = 0, cloth: Float = 0.3
    // Eyes (left eye; the right one is mirrored).
    var eyeY: Float = -12.5, eyeX: Float = 18, eyeHalfLength: Float = 7, eyeHalfHeight: Float = 3
    var eyeTilt: Float = 0.05, irisR: Float = 3.4, irisTone: Float = 0.3, gazeX: Float = 0, gazeY: Float = 0
    // Brows (relative to the eye line).
    var browInnerX: Float = 8.5, browOuterX: Float = 31, browInnerY: Float = -8, browOuterY: Float = -7.5
    var browArch: Float = 2.5, browThick: Float = 3, browTone: Float = 0.15
    // Nose.
    var noseX: Float = 0, noseY: Float = 12.5, noseW: Float = 4.5
    // Mouth.
    var mouthY: Float = 25.5, mouthHalfWidth: Float = 15, liftLeft: Float = 0, liftRight: Float = 0
    var upperLip: Float = 2.6, lowerLip: Float = 3.2, mouthOpen: Float = 0, roundness: Float = 0
    var teeth: Float = 0, lipTone: Float = 0.7, fold: Float = 0, wrinkle: Float = 0
    // Lighting and image quality.
    var lightX: Float = 0.3, lightY: Float = -0.4, ambient: Float = 0.45, contrast: Float = 1
    var brightness: Float = 1, noise: Float = 3, blur: Float = 0.4

    /// A random person with a neutral face, posed for an image of `size` pixels.
    static func random(_ r: inout RandomGenerator, size: Int, maxAngle: Float, poseScale: Float = 1) -> FaceModel {
        var f = FaceModel()
        func u(_ a: Float, _ b: Float) -> Float { r.nextFloat(in: a, b) }
        let base = Float(size) / 96
        f.scale = base * u(0.9, 1.06)
        f.cx = Float(size) / 2 + base * u(-3.5, 3.5) * poseScale
        f.cy = Float(size) * 0.52 + base * u(-3.5, 3.5) * poseScale
        let deg = max(-maxAngle, min(maxAngle, r.nextNormal() * maxAngle * 0.4))
        f.angle = deg * .pi / 180
        f.headRX = u(35, 40); f.headRY = u(44, 50); f.jaw = u(0.05, 0.35)
        f.skin = u(0.42, 0.85); f.hair = u(0.04, 0.4)
        f.hairline = u(-35, -28); f.hairVolume = u(1, 8); f.hairSide = u(6, 22); f.hairPart = u(-1, 1); f.hairLength = u(-6, 14)
        f.earY = u(-8, -3)
        f.bgA = u(0.05, 0.95); f.bgB = u(0.05, 0.95); f.bgAngle = u(0, 2 * .pi); f.cloth = u(0.05, 0.9)
        f.eyeY = u(-14, -11); f.eyeX = u(16.5, 19.5); f.eyeHalfLength = u(6.2, 7.8)
        f.eyeHalfHeight = u(2.6, 3.6); f.eyeTilt = u(-0.05, 0.12); f.irisR = u(3.0, 3.8)
        f.irisTone = u(0.08, 0.4); f.gazeX = u(-0.8, 0.8); f.gazeY = u(-0.3, 0.3)
        f.browInnerX = u(7.5, 10); f.browOuterX = u(28.5, 32.5)
        f.browInnerY = u(-9.5, -6.5); f.browOuterY = u(-9, -5.5); f.browArch = u(1, 4)
        f.browThick = u(2.4, 3.6); f.browTone = min(f.skin - 0.2, f.hair + u(0, 0.15))
        f.noseX = u(-0.7, 0.7); f.noseY = u(10.5, 14.5); f.noseW = u(3.8, 5.2)
        f.mouthY = u(24, 27.5); f.mouthHalfWidth = u(13, 16.5)
        let lift = u(-1.2, 1.2)
        f.liftLeft = lift + u(-0.3, 0.3); f.liftRight = lift + u(-0.3, 0.3)
        f.upperLip = u(2.0, 3.2); f.lowerLip = u(2.6, 4.0); f.lipTone = u(0.62, 0.8)
        let theta = u(0, 2 * .pi)
        f.lightX = 0.6 * Foundation.cos(theta); f.lightY = 0.6 * Foundation.sin(theta) - 0.2
        f.ambient = u(0.35, 0.65); f.contrast = u(0.75, 1.2); f.brightness = u(0.85, 1.15)
        f.noise = u(0, 5); f.blur = u(0, 0.9) * base
        return f
    }

    /// Applies an expression on top of this person's neutral face.
    mutating func apply(_ e: Expression) {
        browInnerY += e.browInnerDY; browOuterY += e.browOuterDY; browInnerX += e.browInnerDX
        browArch += e.browArch
        eyeHalfHeight *= max(0.25, 1 + e.eyeOpen)
        liftLeft += e.mouthLiftLeft; liftRight += e.mouthLiftRight
        mouthOpen += e.mouthOpen; mouthHalfWidth *= 1 + e.mouthWidth
        roundness = min(1, max(0, roundness + e.roundness))
        upperLip *= 1 + e.lipThickness; lowerLip *= 1 + e.lipThickness
        teeth = min(1, teeth + e.teeth); fold += e.fold; wrinkle += e.wrinkle
    }

    // MARK: Keypoints

    /// The 15 keypoints in the face frame, in Kaggle order.
    var facePoints: [(Float, Float)] {
        let c = Foundation.cos(eyeTilt), s = Foundation.sin(eyeTilt)
        let L = eyeHalfLength
        let leftEye = (eyeX + gazeX, eyeY + gazeY), rightEye = (-eyeX + gazeX, eyeY + gazeY)
        let leftInner = (eyeX - L * c, eyeY + L * s), leftOuter = (eyeX + L * c, eyeY - L * s)
        let rightInner = (-eyeX + L * c, eyeY + L * s), rightOuter = (-eyeX - L * c, eyeY - L * s)
        let lbi = (browInnerX, eyeY + browInnerY), lbo = (browOuterX, eyeY + browOuterY)
        let rbi = (-browInnerX, eyeY + browInnerY), rbo = (-browOuterX, eyeY + browOuterY)
        let nose = (noseX, noseY)
        let ml = (mouthHalfWidth, mouthY - liftLeft), mr = (-mouthHalfWidth, mouthY - liftRight)
        let top = (Float(0), mouthY - mouthOpen / 2 - upperLip)
        let bottom = (Float(0), mouthY + mouthOpen / 2 + lowerLip)
        return [leftEye, rightEye, leftInner, leftOuter, rightInner, rightOuter, lbi, lbo, rbi, rbo, nose, ml, mr, top, bottom]
    }

    /// The 30 keypoint values (x, y pairs) in image pixels.
    func imagePoints(_ canvas: FaceCanvas) -> [Float] {
        facePoints.flatMap { p -> [Float] in
            let q = canvas.toImage(p.0, p.1)
            return [KeypointSet.snap(q.x), KeypointSet.snap(q.y)]
        }
    }
}
