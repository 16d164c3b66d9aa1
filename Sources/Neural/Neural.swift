/// The Neural module of ainb.
enum NeuralModule {}
