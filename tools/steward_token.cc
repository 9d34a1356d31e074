// steward-token: mints a development bearer token (scripts/mint-token.sh).
//
//   steward-token --key=FILE ROLE [--sub=ID] [--communities=c1,c2|*]
//                 [--households=communities/c1/households/3-2-1201,...]
//                 [--scope="tickets.read tickets.write"] [--ttl=1h]
//                 [--issuer=steward-dev] [--audience=steward]
//
// ROLE is owner, staff, manager, quality or system. Without claims each
// role gets a development default (see kDefaults below). Prints the token.
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "common/auth/token_minter.h"

namespace {

using steward::auth::Role;

int Usage() {
  std::fprintf(stderr,
               "usage: steward-token --key=FILE owner|staff|manager|quality|system "
               "[--sub=ID] [--communities=LIST|*] [--households=LIST] "
               "[--scope=\"A B\"] [--ttl=DURATION] [--issuer=ISS] "
               "[--audience=AUD]\n");
  return 2;
}

std::vector<std::string> List(absl::string_view value) {
  return absl::StrSplit(value, ',', absl::SkipEmpty());
}

}  // namespace

int main(int argc, char** argv) {
  std::string key_file, role_name;
  steward::auth::TokenRequest request;
  bool communities_set = false, households_set = false, scope_set = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&](absl::string_view flag) {
      return arg.substr(flag.size());
    };
    if (absl::StartsWith(arg, "--key=")) {
      key_file = value("--key=");
    } else if (absl::StartsWith(arg, "--sub=")) {
      request.subject = value("--sub=");
    } else if (absl::StartsWith(arg, "--communities=")) {
      request.communities = List(value("--communities="));
      communities_set = true;
    } else if (absl::StartsWith(arg, "--households=")) {
      request.households = List(value("--households="));
      households_set = true;
    } else if (absl::StartsWith(arg, "--scope=")) {
      request.scopes = absl::StrSplit(value("--scope="), ' ', absl::SkipEmpty());
      scope_set = true;
    } else if (absl::StartsWith(arg, "--ttl=")) {
      if (!absl::ParseDuration(value("--ttl="), &request.lifetime)) return Usage();
    } else if (absl::StartsWith(arg, "--issuer=")) {
      request.issuer = value("--issuer=");
    } else if (absl::StartsWith(arg, "--audience=")) {
      request.audience = value("--audience=");
    } else if (!absl::StartsWith(arg, "--") && role_name.empty()) {
      role_name = arg;
    } else {
      return Usage();
    }
  }
  if (key_file.empty() || !steward::auth::ParseRole(role_name, &request.role)) {
    return Usage();
  }
  // Development defaults: the "demo" community and its household 1-1-101.
  if (request.subject.empty()) request.subject = "dev-" + role_name;
  switch (request.role) {
    case Role::kOwner:
      if (!households_set) {
        request.households = {"communities/demo/households/1-1-101"};
      }
      break;
    case Role::kStaff:
      if (!communities_set) request.communities = {"demo"};
      break;
    case Role::kManager:
    case Role::kQuality:
      if (!communities_set) request.communities = {"*"};
      break;
    case Role::kSystem:
      if (!communities_set) request.communities = {"*"};
      if (!scope_set) {
        request.scopes = {"tickets.read",       "tickets.write",
                          "communication.read", "communication.write",
                          "training.read",      "training.write",
                          "kpi.read",           "kpi.write"};
      }
      break;
  }
  std::ifstream in(key_file);
  std::stringstream pem;
  pem << in.rdbuf();
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", key_file.c_str());
    return 1;
  }
  auto token = steward::auth::MintToken(request, pem.str());
  if (!token.ok()) {
    std::fprintf(stderr, "%s\n", std::string(token.status().message()).c_str());
    return 1;
  }
  std::printf("%s\n", token->c_str());
  return 0;
}
