#pragma once

// biac's one error channel: Status for operations without a value, Result<T> for those with
// one (shaped like C++23 std::expected). Errors caused by input or the environment travel
// here; exceptions are never used on the data path.

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace biac {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,  // the caller's input is malformed (names the place and the reason)
  kNotFound,
  kOutOfRange,
  kFailedPrecondition,
  kUnavailable,  // the environment failed: a file, a socket, a device
  kInternal,     // a bug in biac
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "invalid argument: <message>"; "ok" for success.
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string message) {
  return {StatusCode::kInvalidArgument, std::move(message)};
}
inline Status NotFound(std::string message) { return {StatusCode::kNotFound, std::move(message)}; }
inline Status OutOfRange(std::string message) {
  return {StatusCode::kOutOfRange, std::move(message)};
}
inline Status FailedPrecondition(std::string message) {
  return {StatusCode::kFailedPrecondition, std::move(message)};
}
inline Status Unavailable(std::string message) {
  return {StatusCode::kUnavailable, std::move(message)};
}
inline Status Internal(std::string message) { return {StatusCode::kInternal, std::move(message)}; }

// Holds either a T or a non-ok Status. Accessing the value of an error is a programmer's
// mistake and asserts.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::in_place_index<0>, std::move(value)) {}        // NOLINT: implicit
  Result(Status status) : data_(std::in_place_index<1>, std::move(status)) {  // NOLINT: implicit
    assert(!std::get<1>(data_).ok() && "Result constructed from an ok Status");
  }

  bool ok() const { return data_.index() == 0; }
  explicit operator bool() const { return ok(); }

  const T& value() const& {
    assert(ok());
    return std::get<0>(data_);
  }
  T& value() & {
    assert(ok());
    return std::get<0>(data_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(data_));
  }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

  Status status() const { return ok() ? Status::Ok() : std::get<1>(data_); }
  const Status& error() const {
    assert(!ok());
    return std::get<1>(data_);
  }

 private:
  std::variant<T, Status> data_;
};

}  // namespace biac

#define BIAC_CONCAT_INNER(a, b) a##b
#define BIAC_CONCAT(a, b) BIAC_CONCAT_INNER(a, b)

// Returns the status from the enclosing function if `expr` (a Status) is not ok.
#define BIAC_RETURN_IF_ERROR(expr)               \
  do {                                           \
    ::biac::Status biac_status_ = (expr);        \
    if (!biac_status_.ok()) return biac_status_; \
  } while (false)

// `BIAC_ASSIGN_OR_RETURN(auto x, MakeX());` declares x from a Result or returns its error.
#define BIAC_ASSIGN_OR_RETURN(lhs, expr)                \
  auto BIAC_CONCAT(biac_result_, __LINE__) = (expr);    \
  if (!BIAC_CONCAT(biac_result_, __LINE__).ok())        \
    return BIAC_CONCAT(biac_result_, __LINE__).error(); \
  lhs = std::move(BIAC_CONCAT(biac_result_, __LINE__))  \
            .value()  // NOLINT(bugprone-macro-parentheses)
