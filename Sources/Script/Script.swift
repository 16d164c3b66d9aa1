/// The Script module of ainb.
enum ScriptModule {}
