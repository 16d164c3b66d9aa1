import Foundation
import Tensor

/// An expression's geometry: offsets from a person's neutral face, in face units (v down);
/// `ActionUnits.expression` makes one.
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
    var lowerTeeth: Float = 0      // 1 shows the lower teeth too (AU16)
    var fold: Float = 0            // nose-to-mouth folds (smiles, disgust)
    var wrinkle: Float = 0         // wrinkles on the nose bridge
    var cheek: Float = 0           // raised cheeks (narrows the eyes from below)
    var chin: Float = 0            // raised chin (wrinkles below the lower lip)
    var pitch: Float = 0           // head pitch in radians (- bows the head)
    var gazeDY: Float = 0          // + looks down

    /// The same expression with every offset `k` times larger (posed faces exaggerate).
    /// The head's and eyes' turn are not exaggerated.
    func amplified(_ k: Float) -> Expression {
        Expression(browInnerDY: browInnerDY * k, browOuterDY: browOuterDY * k, browInnerDX: browInnerDX * k,
                   browArch: browArch * k, eyeOpen: eyeOpen * k, mouthLiftLeft: mouthLiftLeft * k,
                   mouthLiftRight: mouthLiftRight * k, mouthOpen: mouthOpen * k, mouthWidth: mouthWidth * k,
                   roundness: roundness, lipThickness: lipThickness, teeth: teeth, lowerTeeth: lowerTeeth, fold: fold * k,
                   wrinkle: wrinkle * k, cheek: cheek * k, chin: chin * k, pitch: pitch, gazeDY: gazeDY)
    }
}

/// Everything that defines one synthetic face: its geometry (pose, shape, features) and
/// its look (lighting, texture, noise).
struct FaceGeometry {
    // Pose (image pixels, radians).
    var cx: Float = 48, cy: Float = 50, scale: Float = 1, angle: Float = 0, yaw: Float = 0, pitch: Float = 0
    // Relief (see FaceRelief).
    var depthScale: Float = 26, noseHeight: Float = 10, browRidge: Float = 2.5, cheekBones: Float = 2.5
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
    var teeth: Float = 0, lowerTeeth: Float = 0, lipTone: Float = 0.7, fold: Float = 0, wrinkle: Float = 0, cheek: Float = 0, chin: Float = 0
    // Texture, extras and occluders.
    var skinTexture: Float = 0.05, hairTexture: Float = 0.2, hairAngle: Float = 0, age: Float = 0
    var glasses = false, glassesTone: Float = 0.1, lensTone: Float = 0.5, lensOpacity: Float = 0
    var glassesShape: Float = 0.5, glassesSize: Float = 1
    var mustache: Float = 0, beard: Float = 0, bangs: Float = 0, bangsLength: Float = 0
    var clutter: Int = 0, occluder: Int = 0
    // Lighting (direction towards the light, z to the camera), specular highlights.
    var lightZ: Float = 0.7, specular: Float = 0.1
    // Lighting and image quality.
    var lightX: Float = 0.3, lightY: Float = -0.4, ambient: Float = 0.45, contrast: Float = 1
    var brightness: Float = 1, noise: Float = 3, blur: Float = 0.4
    var gamma: Float = 1, lowRes: Float = 1, jpegQuality: Float = 0, equalize: Float = 0

    /// A random person with a neutral face, posed for an image of `size` pixels.
    ///
    /// `spread` scales the pose (shift, roll, yaw, pitch) and scale spread: 1 gives the spread
    /// of the Kaggle crops (faces found by a detector, of varied size, turned up to ±40°).
    /// `degrade` scales the camera's damage (noise, blur, lost resolution, compression).
    static func random(_ r: inout RandomGenerator, size: Int, spread: Float = 1, degrade: Float = 1) -> FaceGeometry {
        var f = FaceGeometry()
        func u(_ a: Float, _ b: Float) -> Float { r.nextFloat(in: a, b) }
        func normal(_ sd: Float, _ limit: Float) -> Float { max(-limit, min(limit, r.nextNormal() * sd)) }
        let base = Float(size) / 96
        let deg = Float.pi / 180
        f.yaw = normal(12 * spread, 38) * deg
        f.pitch = (normal(6 * spread, 20) - 2) * deg
        f.angle = normal(6 * spread, 22) * deg
        f.scale = base * Foundation.exp(normal(0.07 * spread, 0.2)) * 0.99
        f.cx = Float(size) / 2 + base * normal(2.6 * spread, 8)
        f.cy = Float(size) * 0.52 + base * normal(2.6 * spread, 8)
        f.headRX = u(34, 40); f.headRY = u(44, 51); f.jaw = u(0.0, 0.4)
        f.depthScale = u(22, 30); f.noseHeight = u(5, 10); f.browRidge = u(1, 4); f.cheekBones = u(1, 4)
        f.skin = u(0.3, 0.9); f.hair = u(0.03, 0.6)
        f.hairline = u(-37, -26); f.hairVolume = u(0, 10); f.hairSide = u(4, 24); f.hairPart = u(-1, 1); f.hairLength = u(-8, 30)
        f.earY = u(-8, -3)
        f.bgA = u(0.02, 0.98); f.bgB = u(0.02, 0.98); f.bgAngle = u(0, 2 * .pi); f.cloth = u(0.02, 0.95)
        f.eyeY = u(-14.5, -10.5); f.eyeX = u(16, 20); f.eyeHalfLength = u(5.8, 8)
        f.eyeHalfHeight = u(2.2, 3.8); f.eyeTilt = u(-0.08, 0.14); f.irisR = u(2.8, 3.9)
        f.irisTone = u(0.05, 0.45); f.gazeX = u(-1, 1); f.gazeY = u(-0.4, 0.4)
        f.browInnerX = u(7, 10.5); f.browOuterX = u(27.5, 33)
        f.browInnerY = u(-10, -6); f.browOuterY = u(-9.5, -5); f.browArch = u(0.5, 4.5)
        f.browThick = u(2, 4); f.browTone = min(f.skin - 0.2, f.hair + u(0, 0.15))
        f.noseX = u(-0.8, 0.8); f.noseY = u(10, 15); f.noseW = u(3.6, 5.6)
        f.mouthY = u(23.5, 28); f.mouthHalfWidth = u(12, 17)
        let lift = u(-1.2, 1.2)
        f.liftLeft = lift + u(-0.4, 0.4); f.liftRight = lift + u(-0.4, 0.4)
        f.upperLip = u(1.6, 3.4); f.lowerLip = u(2.2, 4.4); f.lipTone = u(0.6, 0.85)
        // Light from any side, mostly from the front and above.
        let theta = u(0, 2 * .pi), tilt = u(0.1, 0.85)
        f.lightX = tilt * Foundation.cos(theta); f.lightY = tilt * Foundation.sin(theta) - 0.15
        f.lightZ = max(0.15, 1 - tilt * tilt).squareRoot()
        f.ambient = u(0.15, 0.7); f.specular = u(0, 0.25)
        f.contrast = u(0.6, 1.35); f.brightness = u(0.7, 1.3)
        f.skinTexture = u(0.02, 0.12); f.hairTexture = u(0.05, 0.35); f.hairAngle = u(-0.6, 0.6); f.age = u(0, 1) * u(0, 1)
        f.glasses = r.nextFloat() < 0.12
        f.glassesTone = r.nextFloat() < 0.7 ? u(0.02, 0.25) : u(0.6, 0.95); f.lensTone = u(0.2, 0.95)
        f.lensOpacity = r.nextFloat() < 0.2 ? u(0.3, 0.85) : u(0, 0.2)
        f.glassesShape = u(0, 1); f.glassesSize = u(0.9, 1.2)
        f.mustache = r.nextFloat() < 0.12 ? u(0.3, 1) : 0
        f.beard = r.nextFloat() < 0.1 ? u(0.3, 1) : 0
        f.bangs = r.nextFloat() < 0.15 ? u(0.4, 1) : 0
        f.bangsLength = u(0, 1)
        f.clutter = r.nextFloat() < 0.5 ? r.nextInt(below: 7) : 0
        f.occluder = r.nextFloat() < 0.06 ? 1 + r.nextInt(below: 3) : 0
        // Camera and file: noise, blur, gamma, low resolution, compression, equalised levels.
        f.noise = (r.nextFloat() < 0.7 ? u(0, 2.5) : u(2, 7)) * degrade
        f.blur = (r.nextFloat() < 0.6 ? u(0, 0.7) : u(0.5, 1.6)) * base * degrade
        f.gamma = Foundation.exp(u(-0.45, 0.45))
        f.lowRes = r.nextFloat() < 0.25 ? 1 + u(0.3, 1.5) * degrade : 1
        f.jpegQuality = r.nextFloat() < 0.3 ? u(25, 80) / degrade : 0
        f.equalize = r.nextFloat() < 0.3 ? u(0.3, 1) : 0
        return f
    }

    /// The relief of this face.
    var relief: FaceRelief {
        var r = FaceRelief()
        r.headRX = headRX; r.headRY = headRY; r.depthScale = depthScale; r.pivot = depthScale * 0.55
        r.noseX = noseX; r.noseY = noseY; r.noseHeight = noseHeight; r.noseWidth = noseW; r.bridgeY = eyeY + 2
        r.eyeX = eyeX; r.eyeY = eyeY; r.brow = browRidge; r.cheek = cheekBones + 1.5 * cheek
        r.mouthY = mouthY; r.chin = 2.5 + chin
        return r
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
        teeth = min(1, teeth + e.teeth); lowerTeeth = min(1, lowerTeeth + e.lowerTeeth); fold += e.fold; wrinkle += e.wrinkle
        cheek += e.cheek; chin += e.chin
        pitch += e.pitch; gazeY += e.gazeDY
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
