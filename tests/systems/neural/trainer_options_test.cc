// The learning-rate schedules of the shared training loop and the checks that relate them to
// other options (systems/neural/trainer_options.h; built with the neural systems).
#ifdef MTBENCH_HAVE_TORCH

#include "systems/neural/trainer_options.h"

#include <gtest/gtest.h>

#include "base/error.h"

namespace mtbench::neural {
namespace {

TrainerOptions linear(double peak, int warmup, std::int64_t max_steps) {
  TrainerOptions o;
  o.lr_schedule = "linear";
  o.learning_rate = peak;
  o.warmup_steps = warmup;
  o.max_steps = max_steps;
  return o;
}

TEST(LinearSchedule, WarmsUpThenFallsOnAStraightLineToTheBudget) {
  const auto o = linear(2e-3, 100, 1100);
  EXPECT_DOUBLE_EQ(learning_rate_at(o, 1, 0), 2e-3 / 100);
  EXPECT_DOUBLE_EQ(learning_rate_at(o, 50, 0), 1e-3);
  EXPECT_DOUBLE_EQ(learning_rate_at(o, 100, 0), 2e-3);  // the peak
  // After the warmup: (T - s + 1) / (T - w + 1) of the peak, 1,001 steps from the peak to the last update.
  EXPECT_DOUBLE_EQ(learning_rate_at(o, 101, 0), 2e-3 * 1000 / 1001);
  EXPECT_DOUBLE_EQ(learning_rate_at(o, 600, 0), 2e-3 * 501 / 1001);  // about half way, about half the peak
  EXPECT_DOUBLE_EQ(learning_rate_at(o, 1100, 0), 2e-3 / 1001);       // the last update still moves the model
  EXPECT_DOUBLE_EQ(learning_rate_at(o, 1101, 0), 0.0);               // nothing past the budget
  EXPECT_DOUBLE_EQ(learning_rate_at(o, 5000, 0), 0.0);               // never negative
  // Strictly decreasing after the peak, strictly increasing before it.
  for (std::int64_t s = 1; s < 1100; ++s) {
    if (s < 100)
      EXPECT_LT(learning_rate_at(o, s, 0), learning_rate_at(o, s + 1, 0)) << s;
    else
      EXPECT_GT(learning_rate_at(o, s, 0), learning_rate_at(o, s + 1, 0)) << s;
  }
}

TEST(LinearSchedule, WithoutWarmupTheLineStartsBeforeTheFirstUpdate) {
  // The peak sits at update w = 0, so the first update already takes one step down the line.
  const auto o = linear(1e-3, 0, 10);
  EXPECT_DOUBLE_EQ(learning_rate_at(o, 1, 0), 1e-3 * 10 / 11);
  EXPECT_DOUBLE_EQ(learning_rate_at(o, 10, 0), 1e-3 / 11);
}

TEST(LinearSchedule, NeedsABudget) {
  CommonOptions o;
  o.trainer = linear(1e-3, 100, 0);
  try {
    validate_common_relations(o, "x.yaml");
    FAIL() << "linear without max_steps was accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("x.yaml"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("max_steps"), std::string::npos) << e.what();
  }
  o.trainer.max_steps = 1;
  EXPECT_NO_THROW(validate_common_relations(o, "x.yaml"));
}

TEST(LinearSchedule, ABudgetInsideTheWarmupTrainsOnTheRampOnly) {
  // A smoke test's max_steps: 20 on a preset with 200 warmup updates: like noam, the run ends
  // on the way up; every update it takes has a positive rate.
  for (const std::int64_t budget : {20, 199, 200, 201}) {
    const auto o = linear(3e-3, 200, budget);
    for (std::int64_t s = 1; s <= std::min<std::int64_t>(budget, 200); ++s)
      EXPECT_DOUBLE_EQ(learning_rate_at(o, s, 0), 3e-3 * static_cast<double>(s) / 200) << budget << " " << s;
    for (std::int64_t s = 1; s <= budget; ++s) EXPECT_GT(learning_rate_at(o, s, 0), 0.0) << budget << " " << s;
    if (budget >= 199) {
      EXPECT_DOUBLE_EQ(learning_rate_at(o, 205, 0), 0.0) << budget;  // past the budget: never negative
    }
  }
}

TEST(OtherSchedules, KeepTheirShapes) {
  TrainerOptions o;
  o.learning_rate = 1e-3;
  o.lr_schedule = "constant";
  o.warmup_steps = 10;
  EXPECT_DOUBLE_EQ(learning_rate_at(o, 5, 0), 5e-4);
  EXPECT_DOUBLE_EQ(learning_rate_at(o, 1000, 0), 1e-3);
  o.lr_schedule = "plateau";
  EXPECT_DOUBLE_EQ(learning_rate_at(o, 1000, 2.5e-4), 2.5e-4);  // the plateau's current rate
  o.lr_schedule = "inverse_sqrt";
  EXPECT_DOUBLE_EQ(learning_rate_at(o, 10, 0), 1e-3);
  EXPECT_DOUBLE_EQ(learning_rate_at(o, 40, 0), 5e-4);  // halved at 4x warmup
}

}  // namespace
}  // namespace mtbench::neural

#endif  // MTBENCH_HAVE_TORCH
