import Foundation
import ImageFiles
import Neural

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
        let top: JSONReader.Value
        do { top = try JSONReader.parse(body, maxDepth: 64) } catch let error as JSONReader.SyntaxError {
            throw ServingError.badRequest("the body is not valid JSON: \(error)")
        }
        guard case .object = top else {
            throw ServingError.badRequest("the body must be a JSON object with \"instances\" or \"inputs\"")
        }
        if let signature = top["signature_name"] {
            guard case .string(let s) = signature, s == "serving_default" || s.isEmpty else {
                throw ServingError.badRequest("unknown signature_name \(PredictRequest.describe(signature)); the model has \"serving_default\"")
            }
        }
        let faces: [JSONReader.Value]
        switch (top["instances"], top["inputs"]) {
        case (let instances?, nil):
            guard let list = instances.items else { throw ServingError.badRequest("\"instances\" must be a list of faces") }
            faces = list; columnar = false
        case (nil, let inputs?):
            columnar = true
            if let list = inputs.items {
                faces = list
            } else if case .object(let named) = inputs {
                if inputs["b64"] != nil {
                    faces = [inputs]
                } else {
                    guard let list = inputs[PredictRequest.inputName]?.items else {
                        throw ServingError.badRequest("\"inputs\" must be a list of faces or {\"image\": [faces]}")
                    }
                    let unknown = named.map(\.key).filter { $0 != PredictRequest.inputName }
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
    static func append(_ face: JSONReader.Value, index: Int, size: Int, to pixels: inout [Float]) throws {
        if case .object(let fields) = face {
            if let b64 = face["b64"] {
                guard fields.count == 1 else { throw ServingError.badRequest("face \(index): {\"b64\": ...} takes no other fields") }
                guard case .string(let text) = b64 else { throw ServingError.badRequest("face \(index): \"b64\" must be a string") }
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
            guard fields.count == 1, let inner = face[inputName] else {
                throw ServingError.badRequest("face \(index): an object must be {\"b64\": ...} or {\"image\": ...}")
            }
            if case .object = inner { return try append(inner, index: index, size: size, to: &pixels) }
            return try appendArray(inner, index: index, size: size, to: &pixels)
        }
        try appendArray(face, index: index, size: size, to: &pixels)
    }

    /// Appends a face given as nested number arrays, checking the shape and the range.
    static func appendArray(_ face: JSONReader.Value, index: Int, size: Int, to pixels: inout [Float]) throws {
        let start = pixels.count
        var shape: [Int] = []
        do {
            try flatten(face, depth: 0, shape: &shape, into: &pixels, index: index)
        } catch {
            pixels.removeSubrange(start...)
            throw error
        }
        let accepted = [[size, size], [size, size, 1], [1, size, size], [size * size]]
        guard accepted.contains(shape), pixels.count - start == size * size else {
            pixels.removeSubrange(start...)
            throw ServingError.badRequest("face \(index) has shape \(shape); a face is \(size)×\(size) gray values ([\(size), \(size)], [\(size), \(size), 1], [1, \(size), \(size)] or [\(size * size)]) or {\"b64\": ...}")
        }
    }

    private static func flatten(_ value: JSONReader.Value, depth: Int, shape: inout [Int], into pixels: inout [Float], index: Int) throws {
        func length(_ count: Int) throws {
            guard depth < 4 else { throw ServingError.badRequest("face \(index) is nested too deeply") }
            if shape.count == depth { shape.append(count) } else if shape[depth] != count {
                throw ServingError.badRequest("face \(index) is ragged: rows of \(shape[depth]) and \(count) values")
            }
        }
        switch value {
        case .numbers(let xs):
            try length(xs.count)
            if !xs.isEmpty, shape.count != depth + 1 { throw misplaced(.number(xs[0]), index) }
            for x in xs { try appendPixel(x, index: index, to: &pixels) }
        case .list(let items):
            try length(items.count)
            for item in items { try flatten(item, depth: depth + 1, shape: &shape, into: &pixels, index: index) }
        case .number(let x):
            guard shape.count == depth else { throw misplaced(value, index) }
            try appendPixel(x, index: index, to: &pixels)
            return
        default:
            throw misplaced(value, index)
        }
        if pixels.count > 4 * 1024 * 1024 { throw ServingError.badRequest("face \(index) has too many values") }
    }

    @inline(__always)
    private static func appendPixel(_ x: Double, index: Int, to pixels: inout [Float]) throws {
        guard x.isFinite, x >= 0, x <= 255 else {
            throw ServingError.badRequest("face \(index) has pixel value \(x); values must be 0–255")
        }
        pixels.append(Float(x))
    }

    private static func misplaced(_ value: JSONReader.Value, _ index: Int) -> ServingError {
        .badRequest("face \(index) holds \(describe(value)) where a pixel value (0–255) or a list belongs")
    }

    private static func describe(_ value: JSONReader.Value) -> String {
        if case .string(let s) = value { return JSONText.quoted(s) }
        return value.kind
    }
}
