#!/bin/sh
# Regenerates Sources/ONNX/onnx.pb.swift from the ONNX schema, onnx.proto. Dev-time only: the
# build never runs this. The schema is not kept in this repository: it is read from the onnx
# Python package (pip install onnx), or from the path given as the first argument. The schema's
# comments are dropped from the generated code, which keeps only the messages and fields.
#
# Needs protoc (Debian: apt-get install protobuf-compiler) and protoc-gen-swift built from the
# swift-protobuf version Package.swift names (in a clone of swift-protobuf at 1.39.0:
# `swift build --product protoc-gen-swift`), given as PROTOC_GEN_SWIFT or on the PATH.
set -eu
cd "$(dirname "$0")/../.."
proto="${1:-$(python3 -c 'import onnx, os; print(os.path.join(os.path.dirname(onnx.__file__), "onnx.proto"))')}"
plugin="${PROTOC_GEN_SWIFT:-$(command -v protoc-gen-swift)}"
out=$(mktemp -d)
protoc --plugin=protoc-gen-swift="$plugin" --swift_opt=Visibility=Public \
    --proto_path="$(dirname "$proto")" --swift_out="$out" "$proto"
# Keep the generator's header (9 lines), drop every other comment line, squeeze blank lines.
{ head -n 9 "$out/onnx.pb.swift"; tail -n +10 "$out/onnx.pb.swift" | grep -v '^[[:space:]]*//' | cat -s; } > Sources/ONNX/onnx.pb.swift
rm -rf "$out"
echo "wrote Sources/ONNX/onnx.pb.swift"
