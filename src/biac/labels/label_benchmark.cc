// Label throughput: parse (CAPCO and JSON), roll-up, access decision, Accumulo evaluation.

#include "biac/labels/label.h"

#include <benchmark/benchmark.h>

#include <vector>

#include "biac/labels/access.h"
#include "biac/labels/visibility.h"

namespace biac::labels {
namespace {

void BM_ParseCapco(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(Parse("TOP SECRET//SI/TK//ORCON/REL TO USA, GBR, JPN"));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseCapco);

void BM_ParseJson(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(Parse(
        R"({"policy":"JPN","level":"極秘","categories":{"releasable_to":["JPN","USA"],"caveats":["MDA"]}})"));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ParseJson);

void BM_Rollup(benchmark::State& state) {
  const std::vector<Label> inputs = {
      *Parse("SECRET//REL TO USA, AUS, CAN, GBR, JPN"), *Parse("CONFIDENTIAL//REL TO USA, FVEY"),
      *Parse(
          R"({"policy":"JPN","level":"GOKUHI","categories":{"releasable_to":["JPN","USA","GBR"]}})"),
      *Parse("TOP SECRET//SI//REL TO USA, GBR, JPN, NZL")};
  for (auto _ : state) benchmark::DoNotOptimize(Rollup(inputs));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Rollup);

void BM_Decide(benchmark::State& state) {
  const Label label = *Parse("TOP SECRET//SI//ORCON/REL TO USA, FVEY, JPN");
  User user;
  user.clearance = Level::kTopSecret;
  user.nationality = "JPN";
  user.sci = {"SI"};
  user.caveats = {"ORCON"};
  for (auto _ : state) benchmark::DoNotOptimize(Decide(user, label).permit);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Decide);

void BM_AccumuloEvaluate(benchmark::State& state) {
  const Label label = *Parse("TOP SECRET//SI//ORCON/REL TO USA, FVEY, JPN");
  const VisibilityExpression expr = *VisibilityExpression::Parse(ToVisibility(label));
  User user;
  user.clearance = Level::kTopSecret;
  user.nationality = "JPN";
  user.sci = {"SI"};
  user.caveats = {"ORCON"};
  const Authorizations auths = AuthorizationsFor(user);
  for (auto _ : state) benchmark::DoNotOptimize(expr.Evaluate(auths));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AccumuloEvaluate);

}  // namespace
}  // namespace biac::labels

BENCHMARK_MAIN();
