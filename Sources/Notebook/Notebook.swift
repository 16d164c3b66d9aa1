/// The Notebook module of ainb.
enum NotebookModule {}
