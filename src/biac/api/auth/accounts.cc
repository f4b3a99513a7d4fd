#include "biac/api/auth/accounts.h"

#include <algorithm>
#include <array>
#include <deque>
#include <map>
#include <mutex>
#include <semaphore>
#include <shared_mutex>
#include <sodium.h>
#include <unordered_map>
#include <utility>

namespace biac::api {
namespace {

// Token layout (accounts.h): "biac_" id(12 hex) "_" secret(43 base64url).
constexpr std::string_view kTokenPrefix = "biac_";
constexpr size_t kTokenIdBytes = 6;
constexpr size_t kTokenIdLength = 2 * kTokenIdBytes;
constexpr size_t kTokenSecretBytes = 32;
// RFC 4648 §5 without padding: ceil(32 * 8 / 6) = 43 characters.
constexpr size_t kTokenSecretLength = 43;
constexpr size_t kTokenLength = kTokenPrefix.size() + kTokenIdLength + 1 + kTokenSecretLength;
constexpr size_t kSha256HexLength = 2 * crypto_hash_sha256_BYTES;

constexpr std::string_view kArgon2idPrefix = crypto_pwhash_argon2id_STRPREFIX;
// Longest Basic credential accepted before decoding: base64 of "name:password".
constexpr size_t kMaxBasicDecoded = kMaxAccountNameLength + 1 + kMaxPasswordLength;
// Names quoted in audit reasons are cut to this length.
constexpr size_t kMaxQuotedLength = 80;

// sodium_init() once per process; every function that needs randomness or hashing checks it
// and fails closed when libsodium could not initialise.
bool SodiumReady() {
  static const bool ready = sodium_init() >= 0;
  return ready;
}

std::string ToHex(const unsigned char* bytes, size_t size) {
  std::string hex(2 * size + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), bytes, size);
  hex.pop_back();
  return hex;
}

std::string Sha256Hex(std::string_view text) {
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(text.data()),
                     text.size());
  return ToHex(digest.data(), digest.size());
}

// Text chosen by the client, made safe for one line of the audit log.
std::string Quoted(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, kMaxQuotedLength)) {
    auto u = static_cast<unsigned char>(c);
    out.push_back(u >= 0x20 && u < 0x7f ? c : '?');
  }
  if (text.size() > kMaxQuotedLength) out += "...";
  return out;
}

bool IsLowerHex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); }

bool ValidAccountName(std::string_view name) {
  if (name.empty() || name.size() > kMaxAccountNameLength) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.' || c == '@';
  });
}

bool ValidPasswordHash(std::string_view hash) {
  return hash.empty() ||
         (hash.starts_with(kArgon2idPrefix) && hash.size() < crypto_pwhash_argon2id_STRBYTES);
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; };
           return lower(x) == lower(y);
         });
}

// The token id when `token` has the exact layout of a biac token (accounts.h), else nullopt.
std::optional<std::string_view> TokenIdOf(std::string_view token) {
  if (token.size() != kTokenLength || !token.starts_with(kTokenPrefix)) return std::nullopt;
  std::string_view id = token.substr(kTokenPrefix.size(), kTokenIdLength);
  if (!std::all_of(id.begin(), id.end(), IsLowerHex)) return std::nullopt;
  if (token[kTokenPrefix.size() + kTokenIdLength] != '_') return std::nullopt;
  std::string_view secret = token.substr(kTokenLength - kTokenSecretLength);
  // Strict decode: the alphabet of RFC 4648 §5, no padding, and the unused low bits of the
  // last character zero (libsodium rejects them otherwise), so each secret has one spelling.
  std::array<unsigned char, kTokenSecretBytes> bytes{};
  size_t decoded = 0;
  const char* end = nullptr;
  int rc = sodium_base642bin(bytes.data(), bytes.size(), secret.data(), secret.size(), nullptr,
                             &decoded, &end, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(bytes.data(), bytes.size());
  if (rc != 0 || decoded != kTokenSecretBytes || end != secret.data() + secret.size()) {
    return std::nullopt;
  }
  return id;
}

// "<scheme> <credentials>" (RFC 7235 §2.1: the scheme is case-insensitive, then 1*SP).
bool SplitAuthorization(std::string_view header, std::string_view& scheme, std::string_view& rest) {
  size_t space = header.find(' ');
  if (space == std::string_view::npos || space == 0) return false;
  scheme = header.substr(0, space);
  rest = header.substr(space);
  size_t first = rest.find_first_not_of(' ');
  if (first == std::string_view::npos) return false;
  rest = rest.substr(first);
  size_t last = rest.find_last_not_of(" \t");
  rest = rest.substr(0, last + 1);
  return !rest.empty();
}

}  // namespace

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kAnalyst:
      return "analyst";
    case Role::kAdmin:
      return "admin";
    case Role::kMachine:
      return "machine";
  }
  return "analyst";
}

Result<Role> ParseRole(std::string_view name) {
  for (Role role : {Role::kAnalyst, Role::kAdmin, Role::kMachine}) {
    if (RoleName(role) == name) return role;
  }
  return InvalidArgument("role '" + Quoted(name) + "': not one of analyst, admin, machine");
}

PasswordCost DefaultPasswordCost() {
  return {crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE, crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE};
}

PasswordCost TestPasswordCost() {
  return {crypto_pwhash_argon2id_OPSLIMIT_MIN, crypto_pwhash_argon2id_MEMLIMIT_MIN};
}

Result<std::string> HashPassword(std::string_view password, PasswordCost cost) {
  if (!SodiumReady()) return Unavailable("password hash: libsodium failed to initialise");
  if (password.empty()) return InvalidArgument("password hash: empty password");
  if (password.size() > kMaxPasswordLength) {
    return InvalidArgument("password hash: password longer than " +
                           std::to_string(kMaxPasswordLength) + " bytes");
  }
  std::array<char, crypto_pwhash_argon2id_STRBYTES> out{};
  if (crypto_pwhash_str_alg(out.data(), password.data(), password.size(), cost.opslimit,
                            cost.memlimit, crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Unavailable("password hash: argon2id failed (out of memory or cost " +
                       std::to_string(cost.opslimit) + " passes, " + std::to_string(cost.memlimit) +
                       " bytes outside libsodium's limits)");
  }
  return std::string(out.data());
}

bool VerifyPassword(std::string_view hash, std::string_view password) {
  if (!SodiumReady() || hash.empty() || !ValidPasswordHash(hash)) return false;
  if (password.size() > kMaxPasswordLength) return false;
  std::string terminated(hash);  // libsodium reads a NUL-terminated string
  return crypto_pwhash_argon2id_str_verify(terminated.c_str(), password.data(), password.size()) ==
         0;
}

Status Unauthenticated(std::string reason) {
  return {StatusCode::kFailedPrecondition, std::move(reason)};
}

struct AccountDirectory::State {
  mutable std::shared_mutex mutex;  // accounts and tokens
  std::map<std::string, Account, std::less<>> accounts;
  std::map<std::string, TokenRecord, std::less<>> tokens;

  // Verified-credential cache and failed-attempt counts: their own lock, never held while a
  // password is verified.
  struct CacheEntry {
    Timestamp expires;
    std::string password_hash;  // the hash the password was checked against
  };
  mutable std::mutex auth_mutex;
  mutable std::unordered_map<std::string, CacheEntry> cache;  // key: raw BLAKE2b-256
  mutable std::unordered_map<std::string, std::deque<Timestamp>> failures;
  std::array<unsigned char, crypto_generichash_KEYBYTES> cache_key{};
  // Each argon2id check holds memlimit bytes (64 MiB at the default cost) while it runs:
  // at most kMaxConcurrentPasswordChecks run at once, the others wait their turn.
  mutable std::counting_semaphore<kMaxConcurrentPasswordChecks> password_checks{
      kMaxConcurrentPasswordChecks};

  Status CheckCertificateUnique(const Account& account) const {
    if (account.certificate_subject.empty()) return Status::Ok();
    for (const auto& [name, other] : accounts) {
      if (name != account.name && other.certificate_subject == account.certificate_subject) {
        return InvalidArgument("account " + account.name + ": certificate subject '" +
                               Quoted(account.certificate_subject) + "' already belongs to " +
                               name);
      }
    }
    return Status::Ok();
  }

  std::string CacheKey(std::string_view user, std::string_view password) const {
    std::array<unsigned char, crypto_generichash_BYTES> digest{};
    crypto_generichash_state h;
    crypto_generichash_init(&h, cache_key.data(), cache_key.size(), digest.size());
    crypto_generichash_update(&h, reinterpret_cast<const unsigned char*>(user.data()), user.size());
    const unsigned char zero = 0;
    crypto_generichash_update(&h, &zero, 1);
    crypto_generichash_update(&h, reinterpret_cast<const unsigned char*>(password.data()),
                              password.size());
    crypto_generichash_final(&h, digest.data(), digest.size());
    return std::string(reinterpret_cast<const char*>(digest.data()), digest.size());
  }

  Result<Principal> CheckAccount(const std::string& name, std::string method) const {
    std::shared_lock lock(mutex);
    auto it = accounts.find(name);
    if (it == accounts.end()) return Unauthenticated("user " + Quoted(name) + ": unknown");
    if (it->second.disabled) return Unauthenticated("user " + name + ": disabled");
    return Principal{it->second.name, it->second.role, it->second.profile, std::move(method)};
  }

  Result<Principal> Password(std::string_view user, std::string_view password, Timestamp now) const;
  Result<Principal> Token(std::string_view token, Timestamp now) const;
  Result<Principal> Certificate(std::string_view subject) const;
};

Result<Principal> AccountDirectory::State::Password(std::string_view user,
                                                    std::string_view password,
                                                    Timestamp now) const {
  std::string name(user);
  std::string hash;
  {
    std::shared_lock lock(mutex);
    auto it = accounts.find(name);
    if (it == accounts.end()) return Unauthenticated("user " + Quoted(user) + ": unknown");
    if (it->second.disabled) return Unauthenticated("user " + name + ": disabled");
    hash = it->second.password_hash;
  }
  if (hash.empty()) return Unauthenticated("user " + name + ": no password login");
  if (password.size() > kMaxPasswordLength) {
    return Unauthenticated("user " + name + ": password too long");
  }
  std::string key = CacheKey(name, password);
  {
    std::lock_guard lock(auth_mutex);
    auto hit = cache.find(key);
    if (hit != cache.end()) {
      if (now < hit->second.expires && hit->second.password_hash == hash) {
        return CheckAccount(name, "password");
      }
      cache.erase(hit);
    }
    // Rate limit: failures within the window, counting attempts in flight (recorded before
    // the slow check, withdrawn on success) so parallel guesses cannot exceed it.
    std::deque<Timestamp>& recent = failures[name];
    while (!recent.empty() && recent.front() + kFailedPasswordWindow <= now) recent.pop_front();
    if (recent.size() >= static_cast<size_t>(kMaxFailedPasswordAttempts)) {
      return Unauthenticated(
          "user " + name + ": too many failed password attempts (" +
          std::to_string(kMaxFailedPasswordAttempts) + " within " +
          std::to_string(
              std::chrono::duration_cast<std::chrono::seconds>(kFailedPasswordWindow).count()) +
          " s)");
    }
    recent.push_back(now);
  }
  password_checks.acquire();
  bool good = VerifyPassword(hash, password);
  password_checks.release();
  std::lock_guard lock(auth_mutex);
  if (!good) return Unauthenticated("user " + name + ": wrong password");
  failures.erase(name);
  if (cache.size() >= kCredentialCacheCapacity) {
    std::erase_if(cache, [&](const auto& entry) { return !(now < entry.second.expires); });
    if (cache.size() >= kCredentialCacheCapacity) cache.erase(cache.begin());
  }
  cache[key] = CacheEntry{now + kCredentialCacheTtl, hash};
  return CheckAccount(name, "password");
}

Result<Principal> AccountDirectory::State::Token(std::string_view token, Timestamp now) const {
  std::optional<std::string_view> id = TokenIdOf(token);
  if (!id) return Unauthenticated("token: malformed");
  std::string user;
  {
    std::shared_lock lock(mutex);
    auto it = tokens.find(*id);
    if (it == tokens.end()) return Unauthenticated("token " + std::string(*id) + ": unknown");
    const TokenRecord& record = it->second;
    std::string presented = Sha256Hex(token);
    if (record.secret_hash.size() != kSha256HexLength ||
        sodium_memcmp(presented.data(), record.secret_hash.data(), kSha256HexLength) != 0) {
      return Unauthenticated("token " + record.id + ": wrong secret");
    }
    if (record.revoked) return Unauthenticated("token " + record.id + ": revoked");
    if (!(now < record.expires)) return Unauthenticated("token " + record.id + ": expired");
    user = record.user;
  }
  return CheckAccount(user, "token");
}

Result<Principal> AccountDirectory::State::Certificate(std::string_view subject) const {
  std::string name;
  {
    std::shared_lock lock(mutex);
    for (const auto& [account_name, account] : accounts) {
      if (account.certificate_subject == subject) {
        name = account_name;
        break;
      }
    }
  }
  if (name.empty()) {
    return Unauthenticated("certificate subject '" + Quoted(subject) + "': unknown");
  }
  return CheckAccount(name, "certificate");
}

AccountDirectory::AccountDirectory() : state_(std::make_unique<State>()) {
  if (SodiumReady()) crypto_generichash_keygen(state_->cache_key.data());
}

AccountDirectory::~AccountDirectory() {
  sodium_memzero(state_->cache_key.data(), state_->cache_key.size());
}

Status AccountDirectory::Add(Account account) {
  if (!ValidAccountName(account.name)) {
    return InvalidArgument("account name '" + Quoted(account.name) +
                           "': 1 to 64 of A-Z a-z 0-9 - _ . @");
  }
  if (!ValidPasswordHash(account.password_hash)) {
    return InvalidArgument("account " + account.name + ": password hash is not argon2id");
  }
  std::unique_lock lock(state_->mutex);
  if (state_->accounts.contains(account.name)) {
    return InvalidArgument("account " + account.name + ": already exists");
  }
  BIAC_RETURN_IF_ERROR(state_->CheckCertificateUnique(account));
  std::string name = account.name;
  state_->accounts.emplace(std::move(name), std::move(account));
  return Status::Ok();
}

Status AccountDirectory::Update(Account account) {
  if (!ValidPasswordHash(account.password_hash)) {
    return InvalidArgument("account " + Quoted(account.name) + ": password hash is not argon2id");
  }
  std::unique_lock lock(state_->mutex);
  auto it = state_->accounts.find(account.name);
  if (it == state_->accounts.end()) {
    return NotFound("account " + Quoted(account.name) + ": unknown");
  }
  BIAC_RETURN_IF_ERROR(state_->CheckCertificateUnique(account));
  // Cached checks compare the hash they were made against, so a new password hash voids
  // them; nothing else to clear.
  it->second = std::move(account);
  return Status::Ok();
}

std::vector<Account> AccountDirectory::List() const {
  std::shared_lock lock(state_->mutex);
  std::vector<Account> out;
  out.reserve(state_->accounts.size());
  for (const auto& [name, account] : state_->accounts) out.push_back(account);
  return out;
}

std::optional<Account> AccountDirectory::Find(std::string_view name) const {
  std::shared_lock lock(state_->mutex);
  auto it = state_->accounts.find(name);
  if (it == state_->accounts.end()) return std::nullopt;
  return it->second;
}

Result<IssuedToken> AccountDirectory::IssueToken(const std::string& user, Duration lifetime,
                                                 std::string description, Timestamp now) {
  if (!SodiumReady()) return Unavailable("token: libsodium failed to initialise");
  if (lifetime <= Duration::zero()) {
    return InvalidArgument("token for " + Quoted(user) + ": lifetime must be positive");
  }
  std::unique_lock lock(state_->mutex);
  auto account = state_->accounts.find(user);
  if (account == state_->accounts.end())
    return NotFound("token: user " + Quoted(user) + " unknown");
  if (account->second.disabled) {
    return FailedPrecondition("token: user " + user + " is disabled");
  }
  std::string id;
  do {
    std::array<unsigned char, kTokenIdBytes> id_bytes{};
    randombytes_buf(id_bytes.data(), id_bytes.size());
    id = ToHex(id_bytes.data(), id_bytes.size());
  } while (state_->tokens.contains(id));
  std::array<unsigned char, kTokenSecretBytes> secret_bytes{};
  randombytes_buf(secret_bytes.data(), secret_bytes.size());
  std::array<char,
             sodium_base64_ENCODED_LEN(kTokenSecretBytes, sodium_base64_VARIANT_URLSAFE_NO_PADDING)>
      encoded{};
  sodium_bin2base64(encoded.data(), encoded.size(), secret_bytes.data(), secret_bytes.size(),
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero(secret_bytes.data(), secret_bytes.size());

  IssuedToken issued;
  issued.secret = std::string(kTokenPrefix) + id + "_" + std::string(encoded.data());
  sodium_memzero(encoded.data(), encoded.size());
  issued.record.id = id;
  issued.record.secret_hash = Sha256Hex(issued.secret);
  issued.record.user = user;
  issued.record.description = std::move(description);
  issued.record.created = now;
  issued.record.expires = now + lifetime;
  state_->tokens.emplace(id, issued.record);
  return issued;
}

Status AccountDirectory::Revoke(const std::string& token_id) {
  std::unique_lock lock(state_->mutex);
  auto it = state_->tokens.find(token_id);
  if (it == state_->tokens.end()) return NotFound("token " + Quoted(token_id) + ": unknown");
  it->second.revoked = true;
  return Status::Ok();
}

std::vector<TokenRecord> AccountDirectory::Tokens() const {
  std::shared_lock lock(state_->mutex);
  std::vector<TokenRecord> out;
  out.reserve(state_->tokens.size());
  for (const auto& [id, record] : state_->tokens) out.push_back(record);
  return out;
}

void AccountDirectory::LoadTokens(std::vector<TokenRecord> records) {
  std::unique_lock lock(state_->mutex);
  state_->tokens.clear();
  for (TokenRecord& record : records) {
    std::string id = record.id;
    state_->tokens.insert_or_assign(std::move(id), std::move(record));
  }
}

Result<Principal> AccountDirectory::Authenticate(const Credentials& credentials) const {
  if (!SodiumReady()) return Unauthenticated("libsodium failed to initialise");
  if (credentials.authorization.empty()) {
    if (credentials.client_subject.empty()) return Unauthenticated("no credentials");
    return state_->Certificate(credentials.client_subject);
  }
  std::string_view scheme;
  std::string_view rest;
  if (!SplitAuthorization(credentials.authorization, scheme, rest)) {
    return Unauthenticated("authorization header: malformed");
  }
  if (EqualsIgnoreCase(scheme, "Bearer")) return state_->Token(rest, credentials.now);
  if (!EqualsIgnoreCase(scheme, "Basic")) {
    return Unauthenticated("authorization scheme '" + Quoted(scheme) + "': not supported");
  }
  // RFC 7617 §2: base64 (RFC 4648 §4, padded) of user-id ":" password.
  if (rest.size() > sodium_base64_ENCODED_LEN(kMaxBasicDecoded, sodium_base64_VARIANT_ORIGINAL)) {
    return Unauthenticated("basic credentials: too long");
  }
  std::string decoded(kMaxBasicDecoded, '\0');
  size_t length = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(decoded.data()), decoded.size(),
                        rest.data(), rest.size(), nullptr, &length, &end,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != rest.data() + rest.size()) {
    return Unauthenticated("basic credentials: malformed base64");
  }
  decoded.resize(length);
  size_t colon = decoded.find(':');
  if (colon == std::string::npos) {
    sodium_memzero(decoded.data(), decoded.size());
    return Unauthenticated("basic credentials: no ':' between user and password");
  }
  std::string_view view(decoded);
  Result<Principal> result =
      state_->Password(view.substr(0, colon), view.substr(colon + 1), credentials.now);
  sodium_memzero(decoded.data(), decoded.size());
  return result;
}

}  // namespace biac::api
