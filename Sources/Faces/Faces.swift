/// The Faces module of ainb.
enum FacesModule {}
