import Foundation
import Tensor

/// A facial expression as intensities (0...1) of facial action units (FACS), from which the
/// face's geometry follows. Each emotion is a set of units that real faces show with it, each
/// present with some probability and at a varied intensity, so two angry faces differ and
/// classes overlap as they do in photographs.
struct ActionUnits {
    var innerBrowRaise: Float = 0   // AU1
    var outerBrowRaise: Float = 0   // AU2
    var browLower: Float = 0        // AU4
    var upperLidRaise: Float = 0    // AU5
    var cheekRaise: Float = 0       // AU6
    var lidTighten: Float = 0       // AU7
    var noseWrinkle: Float = 0      // AU9
    var upperLipRaise: Float = 0    // AU10
    var lipCornerPull: Float = 0    // AU12
    var lipCornerDepress: Float = 0 // AU15
    /// Pulls the lower lip down and bares the lower teeth (shouting, grimaces, broad laughs).
    /// Kept out of `paths` so that adding it left the stray-unit draws of older samples as they were.
    var lowerLipDepress: Float = 0  // AU16
    /// Upper lids lowered over the eyes (AU41/43), the head bowed (AU54) and the eyes cast down
    /// (AU64), as in sad faces; kept out of `paths` for the same reason.
    var lidDroop: Float = 0         // AU41/43
    var headDown: Float = 0         // AU54
    var eyesDown: Float = 0         // AU64
    var chinRaise: Float = 0        // AU17
    var lipStretch: Float = 0       // AU20
    var lipPress: Float = 0         // AU23/24
    var lipsPart: Float = 0         // AU25
    var jawDrop: Float = 0          // AU26
    var mouthStretch: Float = 0     // AU27
    /// Left minus right side strength of the mouth units (-1...1; 0 is symmetric).
    var asymmetry: Float = 0

    /// The units scaled by `t`.
    func scaled(_ t: Float) -> ActionUnits {
        var a = self
        for k in ActionUnits.paths { a[keyPath: k] *= t }
        a.lowerLipDepress *= t
        a.lidDroop *= t; a.headDown *= t; a.eyesDown *= t
        return a
    }

    static let paths: [WritableKeyPath<ActionUnits, Float>] = [
        \.innerBrowRaise, \.outerBrowRaise, \.browLower, \.upperLidRaise, \.cheekRaise, \.lidTighten, \.noseWrinkle,
        \.upperLipRaise, \.lipCornerPull, \.lipCornerDepress, \.chinRaise, \.lipStretch, \.lipPress, \.lipsPart,
        \.jawDrop, \.mouthStretch,
    ]

    /// The geometry these units give, as offsets from the neutral face.
    var expression: Expression {
        var e = Expression()
        e.browInnerDY = -5 * innerBrowRaise + 4.5 * browLower + 1.2 * noseWrinkle
        e.browOuterDY = -4.5 * outerBrowRaise + 1.5 * browLower - 1 * innerBrowRaise * (1 - outerBrowRaise)
        e.browInnerDX = -2.5 * browLower - 0.8 * noseWrinkle
        e.browArch = 1.8 * outerBrowRaise - 1 * browLower - 0.8 * innerBrowRaise
        e.eyeOpen = 0.55 * upperLidRaise - 0.4 * lidTighten - 0.3 * cheekRaise - 0.25 * noseWrinkle - 0.2 * lidDroop
        e.pitch = -0.25 * headDown
        e.gazeDY = 1.5 * eyesDown
        let lift = 6 * lipCornerPull - 4.5 * lipCornerDepress + 0.8 * upperLipRaise - 1 * lipStretch * (1 - lipCornerPull)
        e.mouthLiftLeft = lift * (1 + 0.5 * asymmetry)
        e.mouthLiftRight = lift * (1 - 0.5 * asymmetry)
        let open = 2.5 * lipsPart + 6 * jawDrop + 7 * mouthStretch + 1.5 * upperLipRaise + 2 * lowerLipDepress
        e.mouthOpen = open
        let round = max(0, jawDrop + mouthStretch - 1.5 * (lipCornerPull + lipStretch))
        e.roundness = min(1, round * 0.8)
        e.mouthWidth = 0.25 * lipCornerPull + 0.22 * lipStretch - 0.15 * lipPress - 0.25 * e.roundness - 0.05 * chinRaise
        e.lipThickness = -0.55 * lipPress + 0.1 * chinRaise - 0.2 * lipCornerPull
        e.teeth = open > 0.6 ? min(1, 1.2 * lipCornerPull + upperLipRaise + lipStretch + 0.4 * lipsPart) : 0
        e.lowerTeeth = open > 0.6 ? min(1, lowerLipDepress) : 0
        e.fold = 0.8 * lipCornerPull + 1 * noseWrinkle + 0.6 * upperLipRaise + 0.4 * cheekRaise
        e.wrinkle = noseWrinkle + 0.3 * browLower
        e.cheek = cheekRaise
        e.chin = chinRaise
        return e
    }

    /// A random expression of the named emotion (course or FER2013 names; anything else neutral).
    ///
    /// `posed` draws the expressions of FER2013's photographs, most of them posed or strong:
    /// angry faces shout more often, smiles and grimaces part the lips and bare the teeth
    /// (upper, and with AU16 the lower ones), crying opens the mouth. Without it the draws are
    /// the everyday mix the keypoint faces use (and the same random numbers as before AU16).
    /// Posed sad faces are stronger (inner brows up, lip corners down) and often downcast.
    static func sample(_ name: String, _ r: inout RandomGenerator, posed: Bool = false) -> ActionUnits {
        var a = ActionUnits()
        func maybe(_ p: Float, _ lo: Float, _ hi: Float) -> Float { r.nextFloat() < p ? r.nextFloat(in: lo, hi) : 0 }
        switch name.lowercased() {
        case "angry", "anger":
            a.browLower = r.nextFloat(in: 0.35, 1)
            a.lidTighten = maybe(0.6, 0.2, 1)
            a.upperLidRaise = maybe(0.35, 0.2, 0.9)
            a.lipPress = maybe(0.55, 0.2, 1)
            a.chinRaise = maybe(0.35, 0.2, 0.8)
            a.lipCornerDepress = maybe(0.3, 0.1, 0.5)
            if r.nextFloat() < (posed ? 0.55 : 0.35) {  // shouting, teeth bared
                a.upperLipRaise = r.nextFloat(in: 0.3, 1); a.lipsPart = 1; a.jawDrop = r.nextFloat(in: 0.2, 0.9)
                a.lipStretch = r.nextFloat(in: 0.2, 0.8); a.lipPress = 0
                if posed { a.lowerLipDepress = maybe(0.7, 0.4, 1) }
            }
        case "disgust":
            a.noseWrinkle = maybe(0.8, 0.3, 1)
            a.upperLipRaise = maybe(0.8, 0.3, 1)
            a.browLower = maybe(0.65, 0.2, 0.8)
            a.lidTighten = maybe(0.5, 0.2, 0.9)
            a.cheekRaise = maybe(0.3, 0.2, 0.6)
            a.lipCornerDepress = maybe(0.4, 0.2, 0.8)
            a.chinRaise = maybe(0.35, 0.2, 0.8)
            a.lipsPart = maybe(posed ? 0.6 : 0.45, 0.3, 1)
            a.asymmetry = maybe(0.35, -1, 1)
            if posed && a.lipsPart > 0 { a.lowerLipDepress = maybe(0.5, 0.3, 1) }  // a grimace
        case "sad":
            a.innerBrowRaise = maybe(posed ? 0.9 : 0.8, posed ? 0.4 : 0.3, 1)
            a.browLower = maybe(0.55, 0.2, 0.7)
            a.lipCornerDepress = maybe(posed ? 0.9 : 0.8, posed ? 0.4 : 0.3, 1)
            a.chinRaise = maybe(0.5, 0.2, 1)
            a.lidTighten = maybe(0.3, 0.1, 0.6)
            a.upperLidRaise = 0
            if r.nextFloat() < 0.2 {  // crying
                a.lipsPart = 1; a.jawDrop = r.nextFloat(in: 0.2, 0.8); a.lipStretch = r.nextFloat(in: 0.3, 1)
                a.cheekRaise = r.nextFloat(in: 0.2, 0.8); a.lidTighten = r.nextFloat(in: 0.4, 1)
                if posed { a.lowerLipDepress = maybe(0.5, 0.3, 1) }
            }
            if posed {  // downcast: lids lowered, eyes and head down
                a.lidDroop = maybe(0.6, 0.3, 1)
                a.eyesDown = maybe(0.6, 0.3, 1)
                a.headDown = maybe(0.5, 0.3, 1)
            }
        case "happy", "happiness":
            a.lipCornerPull = r.nextFloat(in: 0.3, 1)
            a.cheekRaise = maybe(0.7, 0.2, 1)
            a.lipsPart = posed ? maybe(0.85, 0.6, 1) : maybe(0.65, 0.3, 1)
            a.jawDrop = posed ? maybe(0.6, 0.2, 0.8) : maybe(0.3, 0.1, 0.7)
            if posed && a.lipsPart > 0 { a.lowerLipDepress = maybe(0.5, 0.3, 1) }  // a broad grin, laughing
            a.innerBrowRaise = maybe(0.15, 0.1, 0.4)
        case "surprise":
            a.innerBrowRaise = maybe(0.9, 0.4, 1)
            a.outerBrowRaise = maybe(0.9, 0.4, 1)
            a.upperLidRaise = maybe(0.8, 0.3, 1)
            a.jawDrop = maybe(0.85, 0.3, 1)
            a.mouthStretch = maybe(0.35, 0.2, 1)
            a.lipsPart = a.jawDrop > 0 ? 1 : maybe(0.5, 0.3, 1)
        case "fear":
            a.innerBrowRaise = maybe(0.85, 0.4, 1)
            a.outerBrowRaise = maybe(0.5, 0.2, 0.8)
            a.browLower = maybe(0.6, 0.2, 0.7)
            a.upperLidRaise = maybe(0.8, 0.3, 1)
            a.lipStretch = maybe(0.7, 0.3, 1)
            a.lipsPart = maybe(0.6, 0.3, 1)
            a.jawDrop = maybe(0.4, 0.1, 0.6)
        default:
            break
        }
        // Stray units of low intensity, as real faces are never a textbook pattern.
        for k in paths where r.nextFloat() < 0.08 { a[keyPath: k] = max(a[keyPath: k], r.nextFloat(in: 0, 0.3)) }
        return a
    }
}
