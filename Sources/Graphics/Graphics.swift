/// The Graphics module of ainb: rasters, PNG, drawing and charts.
enum GraphicsModule {}
