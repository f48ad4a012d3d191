{
  "targets": [
    {
      "target_name": "release_memory",
      "sources": ["native/release-memory.c"]
    },
    {
      "target_name": "sha1_pool",
      "sources": ["native/sha1-pool.c"]
    },
    {
      "target_name": "whole_file",
      "sources": ["native/whole-file.c"]
    },
    {
      "target_name": "socket_body",
      "sources": ["native/socket-body.c", "native/socket-reading.c", "native/socket-sink.c"]
    }
  ]
}
