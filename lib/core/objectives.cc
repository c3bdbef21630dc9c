#include "lib/core/objectives.h"

namespace hpo {
namespace {

std::string Goal(bool maximize) { return maximize ? "maximize" : "minimize"; }

}  // namespace

std::vector<Objective> Objectives::All() const {
  std::vector<Objective> all = {{metric, maximize}};
  all.insert(all.end(), more.begin(), more.end());
  return all;
}

std::string Objectives::Direction() const {
  std::string direction = Goal(maximize);
  for (const Objective& o : more) direction += "," + Goal(o.maximize);
  return direction;
}

std::string Objectives::Shown() const {
  return label.empty() ? metric : label + " (" + metric + ")";
}

std::string Objectives::Describe() const {
  std::string text = Shown() + " (" + Goal(maximize) + ")";
  for (const Objective& o : more) text += ", " + o.name + " (" + Goal(o.maximize) + ")";
  return text;
}

}  // namespace hpo
