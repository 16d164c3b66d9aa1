#!/bin/sh
# Regenerates Sources/ONNX/onnx.pb.swift from Scripts/onnx/onnx.proto (the ONNX schema, copied
# from github.com/onnx/onnx onnx/onnx.proto). Dev-time only: the build never runs this.
#
# Needs protoc (Debian: apt-get install protobuf-compiler) and protoc-gen-swift built from the
# swift-protobuf version Package.swift names:
#   git clone https://github.com/apple/swift-protobuf /tmp/swift-protobuf && cd /tmp/swift-protobuf
#   git checkout 1.39.0 && swift build --product protoc-gen-swift
#   PROTOC_GEN_SWIFT=/tmp/swift-protobuf/.build/debug/protoc-gen-swift Scripts/onnx/generate.sh
set -eu
cd "$(dirname "$0")/../.."
plugin="${PROTOC_GEN_SWIFT:-$(command -v protoc-gen-swift)}"
protoc --plugin=protoc-gen-swift="$plugin" --swift_opt=Visibility=Public \
    --proto_path=Scripts/onnx --swift_out=Sources/ONNX Scripts/onnx/onnx.proto
echo "wrote Sources/ONNX/onnx.pb.swift"
