#pragma once

// Accounts, passwords and API tokens of a biac node, and the authentication of one request
// (issue 5 §2: users with passwords or API tokens, X.509 client certificates for machines and
// TAK clients; each user's authorizations are its audience profile). docs/api-auth.md.
//
// Passwords: argon2id (RFC 9106) through libsodium's crypto_pwhash_str_alg with
// crypto_pwhash_ALG_ARGON2ID13; the stored string is the PHC encoding
// "$argon2id$v=19$m=65536,t=2,p=1$<salt>$<hash>", so the cost travels with each hash.
//
// Tokens: opaque random secrets, no JWT. A token is "biac_<id>_<secret>": id = 12 lowercase
// hex digits (6 random bytes, public: it names the token in lists, revocation and the audit
// log), secret = 43 characters of base64url without padding (RFC 4648 §5) of 32 random
// bytes. The node keeps only the SHA-256 of the whole token string (lowercase hex) and
// compares in constant time (sodium_memcmp). Anything else in a Bearer header - a JWT with
// alg "none", an HS256/RS256 swap, a token of another node - is an unknown token.
//
// Thread safety: every member of AccountDirectory may be called from any thread.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "biac/base/status.h"
#include "biac/base/time.h"
#include "biac/labels/access.h"

namespace biac::api {

enum class Role { kAnalyst, kAdmin, kMachine };

// "analyst", "admin", "machine".
std::string_view RoleName(Role role);
Result<Role> ParseRole(std::string_view name);

struct Account {
  std::string name;  // 1-64 bytes, printable ASCII without ':' (RFC 7617 §2: user-id)
  Role role = Role::kAnalyst;
  labels::User profile;             // the user's authorizations (labels::Decide)
  std::string password_hash;        // HashPassword() output; empty = no password login
  std::string certificate_subject;  // RFC 4514 subject DN of its client certificate; "" = none
  bool disabled = false;

  friend bool operator==(const Account&, const Account&) = default;
};

// argon2id cost: passes (opslimit) and memory in bytes (memlimit).
struct PasswordCost {
  unsigned long long opslimit;  // NOLINT(runtime/int): libsodium's type
  size_t memlimit;
};

// crypto_pwhash_OPSLIMIT_INTERACTIVE / MEMLIMIT_INTERACTIVE: 2 passes over 64 MiB, one lane
// (libsodium 1.0.18). accounts_benchmark: 234 ms of CPU per check (docs/api-auth.md).
PasswordCost DefaultPasswordCost();
// crypto_pwhash_OPSLIMIT_MIN / MEMLIMIT_MIN (1 pass, 8 KiB): the least libsodium accepts.
// For tests only: it gives no protection against guessing.
PasswordCost TestPasswordCost();

// The PHC string of argon2id over `password` with a fresh random salt. Errors: an empty
// password, or libsodium refusing (out of memory, cost outside its limits).
Result<std::string> HashPassword(std::string_view password, PasswordCost cost);
// True iff `hash` is an argon2id PHC string and `password` matches it. Slow by design.
bool VerifyPassword(std::string_view hash, std::string_view password);

struct TokenRecord {
  std::string id;           // 12 lowercase hex digits, public
  std::string secret_hash;  // SHA-256 of the whole token string, 64 lowercase hex digits
  std::string user;
  std::string description;
  Timestamp created;
  Timestamp expires;  // the token is refused from this instant on
  bool revoked = false;

  friend bool operator==(const TokenRecord&, const TokenRecord&) = default;
};

struct IssuedToken {
  std::string secret;  // "biac_<id>_<43 base64url chars>": shown to the user once, never stored
  TokenRecord record;  // what the node stores
};

// Who a request is from, once authenticated.
struct Principal {
  std::string user;
  Role role = Role::kAnalyst;
  labels::User profile;
  std::string method;  // "password", "token", "certificate"
};

// What a request brings. Views: valid for the call only.
struct Credentials {
  // The Authorization header's value ("Basic ...", "Bearer ..."), or empty when absent.
  std::string_view authorization;
  // The subject DN of the client certificate the TLS layer verified against the node's CA
  // (RFC 4514 string, as the caller formats it; compared byte for byte with
  // Account::certificate_subject), or empty. Never pass a subject of an unverified chain.
  std::string_view client_subject;
  Timestamp now;
};

// Limits (docs/api-auth.md).
inline constexpr size_t kMaxAccountNameLength = 64;
inline constexpr size_t kMaxPasswordLength = 1024;  // longer Basic passwords are refused
inline constexpr Duration kCredentialCacheTtl = std::chrono::seconds(60);
inline constexpr size_t kCredentialCacheCapacity = 4096;
inline constexpr int kMaxFailedPasswordAttempts = 10;  // per user, within the window below
inline constexpr Duration kFailedPasswordWindow = std::chrono::seconds(60);
// Password checks running at once (each holds PasswordCost::memlimit, 64 MiB by default);
// more wait. Bounds the memory a burst of logins can take.
inline constexpr int kMaxConcurrentPasswordChecks = 2;

// An authentication failure. Its message is the reason for the audit log ("user jpn-analyst:
// wrong password", "token 3fa1c2d4e5f6: expired", "token: malformed"); the HTTP layer answers
// every one of them with the same 401 and never shows the reason to the client.
// Code: StatusCode::kFailedPrecondition until base/status.h gains a kUnauthenticated code;
// AccountDirectory::Authenticate fails with nothing else, so its callers need not tell apart.
Status Unauthenticated(std::string reason);

class AccountDirectory {
 public:
  AccountDirectory();
  ~AccountDirectory();
  AccountDirectory(const AccountDirectory&) = delete;
  AccountDirectory& operator=(const AccountDirectory&) = delete;

  // Adds a new account. Errors: a name already taken or malformed, a password_hash that is
  // neither empty nor an argon2id PHC string, a certificate_subject another account has.
  Status Add(Account account);
  // Replaces the account of the same name (NotFound if none). Cached password checks of the
  // old password stop working at once.
  Status Update(Account account);
  std::vector<Account> List() const;  // sorted by name
  std::optional<Account> Find(std::string_view name) const;

  // A new token for an existing, enabled `user`, valid for `lifetime` (> 0) from `now`.
  Result<IssuedToken> IssueToken(const std::string& user, Duration lifetime,
                                 std::string description, Timestamp now);
  // Marks the token revoked (NotFound if unknown). Revoked tokens stay listed.
  Status Revoke(const std::string& token_id);
  std::vector<TokenRecord> Tokens() const;  // sorted by id
  // Replaces the token records with those restored from storage.
  void LoadTokens(std::vector<TokenRecord> records);

  // Authenticates one request:
  //   Authorization "Basic base64(user:password)" (RFC 7617) -> method "password";
  //   Authorization "Bearer <token>" (RFC 6750 §2.1)         -> method "token";
  //   no Authorization, a client_subject equal to an account's certificate_subject
  //                                                          -> method "certificate".
  // An Authorization header, when present, decides alone (a certificate does not rescue a
  // bad password). The account must exist and not be disabled for every method, also when
  // its token or certificate is valid. Failed password checks count towards the per-user
  // rate limit; once kMaxFailedPasswordAttempts failures fall within kFailedPasswordWindow,
  // password checks for that user are refused without trying the password until the
  // window has passed, except for a password the cache (below) verified in the last
  // kCredentialCacheTtl, so a user already working is not locked out by someone guessing.
  // Good password checks are cached (key: keyed BLAKE2b of "user\0password" under a
  // process-random key; value: expiry and the hash checked) for kCredentialCacheTtl; a wrong
  // password is never cached. Errors: Unauthenticated(reason).
  Result<Principal> Authenticate(const Credentials& credentials) const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace biac::api
