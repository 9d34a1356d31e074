// How a service reaches its own MySQL/MariaDB schema.
#ifndef STEWARD_COMMON_DB_DB_CONFIG_H_
#define STEWARD_COMMON_DB_DB_CONFIG_H_

#include <string>

#include "absl/time/time.h"

namespace steward::db {

struct DbConfig {
  std::string host = "127.0.0.1";
  int port = 3306;
  std::string user;
  std::string password;
  std::string schema;
  // Connections kept at most; the gRPC thread limit is derived from it.
  int pool_size = 8;
  absl::Duration connect_timeout = absl::Seconds(3);
  // How long a request waits for a free connection before it is answered
  // RESOURCE_EXHAUSTED.
  absl::Duration acquire_timeout = absl::Milliseconds(500);
  // Callers that may wait for a connection while all are in use; beyond,
  // RESOURCE_EXHAUSTED at once. 0 means pool_size here; the services default
  // to 8 x pool_size (common/server/server_config.cc).
  int max_waiters = 0;
  // Socket read/write timeout for a single statement round trip; also the
  // largest per-call statement bound, and (less a second) the session's lock
  // wait timeouts (innodb_lock_wait_timeout, lock_wait_timeout).
  absl::Duration io_timeout = absl::Seconds(10);
  // Socket read/write timeout of the connection schema migrations run on:
  // an ALTER of a large table sends nothing back until it is done, and a
  // client that gave up after io_timeout would leave the change applied but
  // unrecorded. Lock waits stay bounded by io_timeout.
  absl::Duration migration_timeout = absl::Hours(1);
};

}  // namespace steward::db

#endif  // STEWARD_COMMON_DB_DB_CONFIG_H_
