import Deploy
import Neural
import Foundation

/// The JSON bodies of TensorFlow Serving's REST API, written by hand for speed and a fixed key order.
public enum ServingJSON {
    /// `GET /v1/models/NAME`: one version, available.
    public static func status() -> String {
        #"{"model_version_status":[{"version":"1","state":"AVAILABLE","status":{"error_code":"OK","error_message":""}}]}"#
    }

    /// `GET /v1/models/NAME/metadata`: the serving signature's input and output shapes.
    public static func metadata(name: String, model: ModelFile) -> String {
        let side = model.inputShape[1]
        func tensor(_ name: String, _ dtype: String, _ dims: [Int]) -> String {
            let d = dims.map { #"{"size":"\#($0)","name":""}"# }.joined(separator: ",")
            return #""\#(name)":{"dtype":"\#(dtype)","tensor_shape":{"dim":[\#(d)],"unknown_rank":false},"name":"\#(name)"}"#
        }
        var outputs: [String] = []
        if model.kind != .emotions { outputs.append(tensor("keypoints", "DT_FLOAT", [-1, 30])) }
        if model.classCount > 0 {
            outputs.append(tensor("probabilities", "DT_FLOAT", [-1, model.classCount]))
            outputs.append(tensor("emotion", "DT_STRING", [-1]))
        }
        let signature = #"{"inputs":{\#(tensor(PredictRequest.inputName, "DT_FLOAT", [-1, side, side, 1]))},"outputs":{\#(outputs.joined(separator: ","))},"method_name":"tensorflow/serving/predict"}"#
        return #"{"model_spec":{"name":\#(JSONText.quoted(name)),"signature_name":"","version":"1"},"metadata":{"signature_def":{"signature_def":{"serving_default":\#(signature)},"classes":[\#(classList(model))],"pixel_range":[0,255]}}}"#
    }

    private static func classList(_ model: ModelFile) -> String {
        FacePredictor(model).classNames.map(JSONText.quoted).joined(separator: ",")
    }

    /// The row format's answer: `{"predictions": [{"keypoints", "emotion", "probabilities"}, ...]}`.
    public static func predictions(_ answers: [FacePrediction]) -> String {
        var out = #"{"predictions":["#
        for (i, a) in answers.enumerated() {
            if i > 0 { out += "," }
            var fields: [String] = []
            if !a.keypoints.isEmpty { fields.append(#""keypoints":"# + numbers(a.keypoints)) }
            if let e = a.emotion {
                fields.append(#""emotion":"# + JSONText.quoted(e))
                fields.append(#""probabilities":"# + numbers(a.probabilities))
            }
            out += "{" + fields.joined(separator: ",") + "}"
        }
        return out + "]}"
    }

    /// The columnar answer: `{"outputs": {"keypoints": [[...]], "emotion": [...], "probabilities": [[...]]}}`.
    public static func outputs(_ answers: [FacePrediction]) -> String {
        var fields: [String] = []
        if answers.first.map({ !$0.keypoints.isEmpty }) ?? false {
            fields.append(#""keypoints":["# + answers.map { numbers($0.keypoints) }.joined(separator: ",") + "]")
        }
        if answers.first?.emotion != nil {
            fields.append(#""emotion":["# + answers.map { JSONText.quoted($0.emotion ?? "") }.joined(separator: ",") + "]")
            fields.append(#""probabilities":["# + answers.map { numbers($0.probabilities) }.joined(separator: ",") + "]")
        }
        return #"{"outputs":{"# + fields.joined(separator: ",") + "}}"
    }

    /// `{"error": message}`.
    public static func error(_ message: String) -> String { #"{"error":"# + JSONText.quoted(message) + "}" }

    static func numbers(_ xs: [Float]) -> String {
        "[" + xs.map { $0.isFinite ? "\($0)" : "null" }.joined(separator: ",") + "]"
    }

}
