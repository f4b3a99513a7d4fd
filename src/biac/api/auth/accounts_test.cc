#include "biac/api/auth/accounts.h"

#include <gtest/gtest.h>

#include <atomic>
#include <regex>
#include <sodium.h>
#include <string>
#include <thread>
#include <vector>

namespace biac::api {
namespace {

using std::chrono::seconds;

const Timestamp kT0 = Timestamp::FromNanos(1'717'200'000'000'000'000);  // 2024-06-01

std::string Basic(std::string_view user, std::string_view password) {
  std::string plain = std::string(user) + ":" + std::string(password);
  std::string out(sodium_base64_ENCODED_LEN(plain.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(plain.data()),
                    plain.size(), sodium_base64_VARIANT_ORIGINAL);
  out.resize(out.size() - 1);
  return "Basic " + out;
}

std::string Bearer(std::string_view token) { return "Bearer " + std::string(token); }

class AccountsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Account jpn;
    jpn.name = "jpn-analyst";
    jpn.role = Role::kAnalyst;
    jpn.profile.clearance = labels::Level::kSecret;
    jpn.profile.nationality = "JPN";
    jpn.password_hash = HashPassword("correct horse battery", TestPasswordCost()).value();
    ASSERT_TRUE(directory_.Add(jpn).ok());

    Account admin;
    admin.name = "admin";
    admin.role = Role::kAdmin;
    admin.profile.nationality = "USA";
    admin.password_hash = HashPassword("admin secret", TestPasswordCost()).value();
    ASSERT_TRUE(directory_.Add(admin).ok());

    Account tak;
    tak.name = "tak-gw";
    tak.role = Role::kMachine;
    tak.profile.nationality = "USA";
    tak.certificate_subject = "CN=tak-gw,O=USFJ,C=US";
    ASSERT_TRUE(directory_.Add(tak).ok());

    Account off;
    off.name = "gone";
    off.password_hash = HashPassword("pw", TestPasswordCost()).value();
    off.certificate_subject = "CN=gone";
    off.disabled = true;
    ASSERT_TRUE(directory_.Add(off).ok());
  }

  Result<Principal> Auth(std::string_view authorization, std::string_view subject = "",
                         Timestamp now = kT0) const {
    return directory_.Authenticate(Credentials{authorization, subject, now});
  }

  static std::string Reason(const Result<Principal>& r) {
    return r.ok() ? "ok" : r.error().message();
  }

  AccountDirectory directory_;
};

TEST(PasswordTest, HashIsArgon2idAndVerifies) {
  Result<std::string> hash = HashPassword("s3cret", TestPasswordCost());
  ASSERT_TRUE(hash.ok());
  EXPECT_TRUE(hash->starts_with("$argon2id$v=19$m=8,t=1,p=1$")) << *hash;
  EXPECT_TRUE(VerifyPassword(*hash, "s3cret"));
  EXPECT_FALSE(VerifyPassword(*hash, "s3cret "));
  EXPECT_FALSE(VerifyPassword(*hash, ""));
  EXPECT_FALSE(VerifyPassword("", "s3cret"));
  EXPECT_FALSE(VerifyPassword("$argon2i$v=19$m=8,t=1,p=1$AAAA$AAAA", "s3cret"));
  // Two hashes of one password differ (fresh salt).
  EXPECT_NE(*hash, HashPassword("s3cret", TestPasswordCost()).value());
  EXPECT_FALSE(HashPassword("", TestPasswordCost()).ok());
}

TEST(PasswordTest, DefaultCostIsLibsodiumInteractive) {
  PasswordCost cost = DefaultPasswordCost();
  EXPECT_EQ(cost.opslimit, 2u);
  EXPECT_EQ(cost.memlimit, size_t{64} << 20);
}

TEST(RoleTest, Names) {
  EXPECT_EQ(RoleName(Role::kMachine), "machine");
  EXPECT_EQ(ParseRole("admin").value(), Role::kAdmin);
  EXPECT_FALSE(ParseRole("Admin").ok());
}

TEST_F(AccountsTest, GoodPassword) {
  // base64("jpn-analyst:correct horse battery"), computed independently.
  Result<Principal> p = Auth("Basic anBuLWFuYWx5c3Q6Y29ycmVjdCBob3JzZSBiYXR0ZXJ5");
  ASSERT_TRUE(p.ok()) << Reason(p);
  EXPECT_EQ(p->user, "jpn-analyst");
  EXPECT_EQ(p->role, Role::kAnalyst);
  EXPECT_EQ(p->method, "password");
  EXPECT_EQ(p->profile.nationality, "JPN");
  EXPECT_EQ(p->profile.clearance, labels::Level::kSecret);
  // The scheme is case-insensitive (RFC 7235 §2.1); cached path gives the same answer.
  p = Auth("basic anBuLWFuYWx5c3Q6Y29ycmVjdCBob3JzZSBiYXR0ZXJ5");
  ASSERT_TRUE(p.ok()) << Reason(p);
}

TEST_F(AccountsTest, WrongPasswordUnknownUserDisabledUser) {
  EXPECT_EQ(Reason(Auth(Basic("jpn-analyst", "correct horse"))),
            "user jpn-analyst: wrong password");
  EXPECT_EQ(Reason(Auth(Basic("jpn-analyst", ""))), "user jpn-analyst: wrong password");
  EXPECT_EQ(Reason(Auth(Basic("nobody", "x"))), "user nobody: unknown");
  EXPECT_EQ(Reason(Auth(Basic("gone", "pw"))), "user gone: disabled");
  EXPECT_EQ(Reason(Auth(Basic("tak-gw", "x"))), "user tak-gw: no password login");
  // Control characters from the client never reach the audit line as such.
  EXPECT_EQ(Reason(Auth(Basic("a\nb", "x"))), "user a?b: unknown");
}

TEST_F(AccountsTest, MalformedHeaders) {
  EXPECT_EQ(Reason(Auth("")), "no credentials");
  EXPECT_EQ(Reason(Auth("Basic")), "authorization header: malformed");
  EXPECT_EQ(Reason(Auth("Basic !!!!")), "basic credentials: malformed base64");
  EXPECT_EQ(Reason(Auth("Basic bm9jb2xvbg==")),
            "basic credentials: no ':' between user and password");
  EXPECT_EQ(Reason(Auth("Digest username=\"admin\"")),
            "authorization scheme 'Digest': not supported");
}

TEST_F(AccountsTest, WrongPasswordIsNeverCachedAndUpdateVoidsCache) {
  EXPECT_TRUE(Auth(Basic("admin", "admin secret")).ok());
  EXPECT_FALSE(Auth(Basic("admin", "admin secreT")).ok());
  EXPECT_FALSE(Auth(Basic("admin", "admin secreT")).ok());
  // New password: the cached check of the old one no longer counts.
  Account admin = directory_.Find("admin").value();
  admin.password_hash = HashPassword("new one", TestPasswordCost()).value();
  ASSERT_TRUE(directory_.Update(admin).ok());
  EXPECT_EQ(Reason(Auth(Basic("admin", "admin secret"))), "user admin: wrong password");
  EXPECT_TRUE(Auth(Basic("admin", "new one")).ok());
  // Disabling wins over a cached good password.
  admin.disabled = true;
  ASSERT_TRUE(directory_.Update(admin).ok());
  EXPECT_EQ(Reason(Auth(Basic("admin", "new one"))), "user admin: disabled");
}

TEST_F(AccountsTest, FailedAttemptsAreRateLimited) {
  for (int i = 0; i < kMaxFailedPasswordAttempts; ++i) {
    EXPECT_EQ(Reason(Auth(Basic("jpn-analyst", "guess" + std::to_string(i)), "", kT0 + seconds(i))),
              "user jpn-analyst: wrong password");
  }
  // Locked: even the right password is refused without being tried...
  EXPECT_EQ(Reason(Auth(Basic("jpn-analyst", "correct horse battery"), "", kT0 + seconds(20))),
            "user jpn-analyst: too many failed password attempts (10 within 60 s)");
  // ... until the oldest failure leaves the 60 s window.
  EXPECT_TRUE(Auth(Basic("jpn-analyst", "correct horse battery"), "", kT0 + seconds(60)).ok());
  // Other users are not affected.
  EXPECT_TRUE(Auth(Basic("admin", "admin secret"), "", kT0 + seconds(20)).ok());
}

TEST_F(AccountsTest, RecentlyVerifiedPasswordSurvivesGuessing) {
  ASSERT_TRUE(Auth(Basic("admin", "admin secret")).ok());
  for (int i = 0; i < kMaxFailedPasswordAttempts + 2; ++i) {
    (void)Auth(Basic("admin", "guess"), "", kT0 + seconds(1));
  }
  EXPECT_EQ(Reason(Auth(Basic("admin", "guess"), "", kT0 + seconds(2))),
            "user admin: too many failed password attempts (10 within 60 s)");
  EXPECT_TRUE(Auth(Basic("admin", "admin secret"), "", kT0 + seconds(2)).ok());
  // Past the cache's 60 s the password must be checked again, and the lock holds (the
  // guesses at t0+1 s are inside the window until t0+61 s).
  EXPECT_FALSE(Auth(Basic("admin", "admin secret"), "", kT0 + seconds(60)).ok());
  EXPECT_TRUE(Auth(Basic("admin", "admin secret"), "", kT0 + seconds(61)).ok());
}

TEST_F(AccountsTest, TokenGoodPathAndFormat) {
  Result<IssuedToken> t =
      directory_.IssueToken("jpn-analyst", std::chrono::hours(1), "laptop", kT0);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_TRUE(std::regex_match(t->secret, std::regex("biac_[0-9a-f]{12}_[A-Za-z0-9_-]{43}")))
      << t->secret;
  EXPECT_EQ(t->secret.substr(5, 12), t->record.id);
  EXPECT_EQ(t->record.secret_hash.size(), 64u);
  EXPECT_EQ(t->secret.find(t->record.secret_hash), std::string::npos);
  EXPECT_EQ(t->record.user, "jpn-analyst");
  EXPECT_EQ(t->record.expires, kT0 + std::chrono::hours(1));
  Result<Principal> p = Auth(Bearer(t->secret), "", kT0 + seconds(10));
  ASSERT_TRUE(p.ok()) << Reason(p);
  EXPECT_EQ(p->user, "jpn-analyst");
  EXPECT_EQ(p->method, "token");
  ASSERT_EQ(directory_.Tokens().size(), 1u);
  EXPECT_EQ(directory_.Tokens()[0], t->record);
}

TEST_F(AccountsTest, ExpiredRevokedAndDisabled) {
  IssuedToken t = directory_.IssueToken("admin", seconds(30), "", kT0).value();
  EXPECT_TRUE(Auth(Bearer(t.secret), "", kT0 + seconds(29)).ok());
  EXPECT_EQ(Reason(Auth(Bearer(t.secret), "", kT0 + seconds(30))),
            "token " + t.record.id + ": expired");
  IssuedToken u = directory_.IssueToken("admin", std::chrono::hours(1), "", kT0).value();
  ASSERT_TRUE(directory_.Revoke(u.record.id).ok());
  EXPECT_EQ(Reason(Auth(Bearer(u.secret))), "token " + u.record.id + ": revoked");
  EXPECT_EQ(directory_.Revoke("000000000000").code(), StatusCode::kNotFound);
  // A valid token of a user disabled afterwards.
  IssuedToken v = directory_.IssueToken("jpn-analyst", std::chrono::hours(1), "", kT0).value();
  Account jpn = directory_.Find("jpn-analyst").value();
  jpn.disabled = true;
  ASSERT_TRUE(directory_.Update(jpn).ok());
  EXPECT_EQ(Reason(Auth(Bearer(v.secret))), "user jpn-analyst: disabled");
  EXPECT_FALSE(directory_.IssueToken("jpn-analyst", seconds(1), "", kT0).ok());
  EXPECT_FALSE(directory_.IssueToken("admin", seconds(0), "", kT0).ok());
  EXPECT_FALSE(directory_.IssueToken("nobody", seconds(1), "", kT0).ok());
}

TEST_F(AccountsTest, MalformedAndForgedTokens) {
  IssuedToken t = directory_.IssueToken("admin", std::chrono::hours(1), "", kT0).value();
  std::string good = t.secret;
  for (const std::string& bad : {
           std::string("biac_"), std::string("x"), good + "A", good.substr(0, good.size() - 1),
           "BIAC_" + good.substr(5),                              // prefix case
           good.substr(0, 5) + "ABCDEF012345" + good.substr(17),  // upper-case hex id
           good.substr(0, 17) + "." + good.substr(18),            // separator
           good.substr(0, 18) + "+" + good.substr(19),            // base64 (not url) alphabet
           good.substr(0, 60) + "=",                              // padding
           good.substr(0, 60) + "B",                              // non-zero unused low bits
       }) {
    EXPECT_EQ(Reason(Auth(Bearer(bad))), "token: malformed") << bad;
  }
  // JWTs: alg "none" and HS256, claiming the admin. Not biac tokens at all.
  EXPECT_EQ(Reason(Auth(Bearer("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0."
                               "eyJzdWIiOiJhZG1pbiIsInJvbGUiOiJhZG1pbiJ9."))),
            "token: malformed");
  EXPECT_EQ(Reason(Auth(Bearer("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9."
                               "eyJzdWIiOiJhZG1pbiIsInJvbGUiOiJhZG1pbiJ9."
                               "eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHh4eHg"))),
            "token: malformed");
  // Right id, other secret: the stored hash does not match.
  std::string forged = good.substr(0, 18) + std::string(43, 'A');
  EXPECT_EQ(Reason(Auth(Bearer(forged))), "token " + t.record.id + ": wrong secret");
  // A well-formed token another node issued: unknown id here.
  AccountDirectory other;
  Account admin = directory_.Find("admin").value();
  ASSERT_TRUE(other.Add(admin).ok());
  IssuedToken foreign = other.IssueToken("admin", std::chrono::hours(1), "", kT0).value();
  EXPECT_EQ(Reason(Auth(Bearer(foreign.secret))), "token " + foreign.record.id + ": unknown");
  EXPECT_TRUE(other.Authenticate({Bearer(foreign.secret), "", kT0}).ok());
}

TEST_F(AccountsTest, LoadTokensRestores) {
  IssuedToken t = directory_.IssueToken("admin", std::chrono::hours(1), "ci", kT0).value();
  std::vector<TokenRecord> saved = directory_.Tokens();
  AccountDirectory restarted;
  ASSERT_TRUE(restarted.Add(directory_.Find("admin").value()).ok());
  EXPECT_FALSE(restarted.Authenticate({Bearer(t.secret), "", kT0}).ok());
  restarted.LoadTokens(saved);
  Result<Principal> p = restarted.Authenticate({Bearer(t.secret), "", kT0});
  ASSERT_TRUE(p.ok()) << Reason(p);
  EXPECT_EQ(p->user, "admin");
}

TEST_F(AccountsTest, Certificates) {
  Result<Principal> p = Auth("", "CN=tak-gw,O=USFJ,C=US");
  ASSERT_TRUE(p.ok()) << Reason(p);
  EXPECT_EQ(p->user, "tak-gw");
  EXPECT_EQ(p->role, Role::kMachine);
  EXPECT_EQ(p->method, "certificate");
  EXPECT_EQ(Reason(Auth("", "CN=tak-gw,O=Other,C=US")),
            "certificate subject 'CN=tak-gw,O=Other,C=US': unknown");
  EXPECT_EQ(Reason(Auth("", "CN=gone")), "user gone: disabled");
  // An Authorization header decides alone: a bad password is not rescued by the certificate.
  EXPECT_EQ(Reason(Auth(Basic("admin", "bad"), "CN=tak-gw,O=USFJ,C=US")),
            "user admin: wrong password");
}

TEST_F(AccountsTest, AddAndUpdateValidate) {
  Account a;
  a.name = "admin";
  EXPECT_FALSE(directory_.Add(a).ok());  // taken
  a.name = "has:colon";
  EXPECT_FALSE(directory_.Add(a).ok());
  a.name = "";
  EXPECT_FALSE(directory_.Add(a).ok());
  a.name = "new-user";
  a.password_hash = "plaintext";
  EXPECT_FALSE(directory_.Add(a).ok());
  a.password_hash = "";
  a.certificate_subject = "CN=tak-gw,O=USFJ,C=US";  // another account's
  EXPECT_FALSE(directory_.Add(a).ok());
  a.certificate_subject = "CN=new";
  EXPECT_TRUE(directory_.Add(a).ok());
  a.name = "missing";
  EXPECT_EQ(directory_.Update(a).code(), StatusCode::kNotFound);
  std::vector<Account> all = directory_.List();
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(all[0].name, "admin");
  EXPECT_EQ(all[4].name, "tak-gw");
}

TEST_F(AccountsTest, ConcurrentUse) {
  // Readers (password and token checks) and writers (issue, revoke, update) at once; the
  // sanitizer build checks the locking, the counts check that no answer was lost or wrong.
  constexpr int kThreads = 4;
  constexpr int kRounds = 50;
  std::atomic<int> good{0};
  std::atomic<int> refused{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      for (int r = 0; r < kRounds; ++r) {
        if (Auth(Basic("admin", "admin secret")).ok()) ++good;
        IssuedToken t = directory_.IssueToken("admin", seconds(60), std::to_string(i), kT0).value();
        if (Auth(Bearer(t.secret)).ok()) ++good;
        (void)directory_.Revoke(t.record.id);
        if (!Auth(Bearer(t.secret)).ok()) ++refused;
        Account tak = directory_.Find("tak-gw").value();
        (void)directory_.Update(tak);
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(good.load(), 2 * kThreads * kRounds);
  EXPECT_EQ(refused.load(), kThreads * kRounds);
  EXPECT_EQ(directory_.Tokens().size(), static_cast<size_t>(kThreads * kRounds));
}

}  // namespace
}  // namespace biac::api
