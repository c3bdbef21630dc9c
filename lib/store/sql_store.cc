// The study store on an SQL database (SQLite or PostgreSQL, lib/store/sql_connection.h):
// every method is one short transaction; writes take the database's writer lock first, so
// claims never interleave and numbers are handed out exactly once.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <iterator>
#include <map>
#include <stdexcept>
#include <thread>

#include "lib/core/error.h"
#include "lib/store/sql_connection.h"
#include "lib/store/storage_url.h"
#include "lib/store/store.h"

namespace hpo::store {

int64_t SqlRow::Int(size_t i) const {
  const SqlValue& v = cells.at(i);
  if (const auto* x = std::get_if<int64_t>(&v)) return *x;
  if (const auto* d = std::get_if<double>(&v)) return static_cast<int64_t>(*d);
  if (std::holds_alternative<std::monostate>(v)) return 0;
  throw std::runtime_error("storage returned text where a number was expected: " +
                           std::get<std::string>(v));
}

double SqlRow::Double(size_t i) const {
  const SqlValue& v = cells.at(i);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* x = std::get_if<int64_t>(&v)) return static_cast<double>(*x);
  if (std::holds_alternative<std::monostate>(v)) return NAN;
  throw std::runtime_error("storage returned text where a number was expected: " +
                           std::get<std::string>(v));
}

std::string SqlRow::Text(size_t i) const {
  const SqlValue& v = cells.at(i);
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* x = std::get_if<int64_t>(&v)) return std::to_string(*x);
  if (const auto* d = std::get_if<double>(&v)) return fmt::format("{}", *d);
  return "";
}

namespace {

// 2: studies.version and trials.version (LoadTrialsChangedSince), trials.cost_measure.
// 3: trials.more_values (multi-objective studies). Older databases are migrated when opened.
// Tables added later (workers, launches, trial_rungs, trial_seed_values, pbt_members,
// study_objectives) are created when a database is opened (IF NOT EXISTS): an hpo that does not
// know them ignores them, so they need no new version.
constexpr int kSchemaVersion = 3;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS studies (
  id {id}, name TEXT NOT NULL UNIQUE, direction TEXT NOT NULL,
  config_yaml TEXT NOT NULL, created_ms {int} NOT NULL, version {int} NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS trials (
  id {id}, study_id {int} NOT NULL REFERENCES studies(id),
  number {int} NOT NULL, state TEXT NOT NULL, seed {int} NOT NULL DEFAULT 0,
  value {real}, cost {real} NOT NULL DEFAULT 0, error TEXT NOT NULL DEFAULT '',
  worker TEXT NOT NULL DEFAULT '', run_dir TEXT NOT NULL DEFAULT '',
  created_ms {int} NOT NULL, started_ms {int} NOT NULL DEFAULT 0,
  finished_ms {int} NOT NULL DEFAULT 0, heartbeat_ms {int} NOT NULL DEFAULT 0,
  retry_of {int} NOT NULL DEFAULT -1, retried {int} NOT NULL DEFAULT 0,
  version {int} NOT NULL DEFAULT 0, cost_measure {real} NOT NULL DEFAULT 0,
  more_values TEXT NOT NULL DEFAULT '',
  UNIQUE (study_id, number));
CREATE INDEX IF NOT EXISTS trials_by_version ON trials (study_id, version);
CREATE TABLE IF NOT EXISTS trial_params (
  trial_id {int} NOT NULL REFERENCES trials(id), name TEXT NOT NULL, value TEXT NOT NULL,
  PRIMARY KEY (trial_id, name));
CREATE TABLE IF NOT EXISTS study_changes (
  study_id {int} NOT NULL REFERENCES studies(id), at_ms {int} NOT NULL, changes TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS study_stops (
  study_id {int} NOT NULL REFERENCES studies(id), at_ms {int} NOT NULL, reason TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS workers (
  study_id {int} NOT NULL REFERENCES studies(id), worker TEXT NOT NULL,
  slurm_task TEXT NOT NULL DEFAULT '', started_ms {int} NOT NULL, PRIMARY KEY (study_id, worker));
CREATE TABLE IF NOT EXISTS launches (
  study_id {int} NOT NULL REFERENCES studies(id), at_ms {int} NOT NULL, scheduler TEXT NOT NULL,
  job_id TEXT NOT NULL, workers {int} NOT NULL, script TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS trial_intermediates (
  trial_id {int} NOT NULL REFERENCES trials(id), step {int} NOT NULL, value {real},
  PRIMARY KEY (trial_id, step));
CREATE TABLE IF NOT EXISTS trial_rungs (
  trial_id {int} NOT NULL REFERENCES trials(id), rung {int} NOT NULL, value {real} NOT NULL,
  PRIMARY KEY (trial_id, rung));
CREATE TABLE IF NOT EXISTS trial_seed_values (
  trial_id {int} NOT NULL REFERENCES trials(id), seed_index {int} NOT NULL, seed {int} NOT NULL,
  value {real} NOT NULL, PRIMARY KEY (trial_id, seed_index));
CREATE TABLE IF NOT EXISTS study_objectives (
  study_id {int} NOT NULL REFERENCES studies(id), objective_index {int} NOT NULL,
  name TEXT NOT NULL, maximize {int} NOT NULL, label TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (study_id, objective_index));
CREATE TABLE IF NOT EXISTS pbt_members (
  study_id {int} NOT NULL REFERENCES studies(id), member {int} NOT NULL, record TEXT NOT NULL,
  version {int} NOT NULL DEFAULT 1, PRIMARY KEY (study_id, member));
)sql";

constexpr const char* kTrialColumns =
    "SELECT id, number, state, seed, value, cost, error, worker, run_dir, created_ms, started_ms, "
    "finished_ms, heartbeat_ms, retry_of, retried, cost_measure, version, more_values FROM trials";

TrialState StateFromText(const std::string& text) {
  const std::optional<TrialState> state = ParseState(text);
  if (!state) throw std::runtime_error("storage holds an unknown trial state '" + text + "'");
  return *state;
}

SqlValue Optional(std::optional<double> v) { return v ? SqlValue(*v) : SqlValue(std::monostate{}); }

// Trial::more_values as a column: the numbers in round-trip precision, space-separated.
std::string ValuesText(const std::vector<double>& values) {
  std::string text;
  for (double v : values) text += (text.empty() ? "" : " ") + fmt::format("{}", v);
  return text;
}

std::vector<double> ValuesFromText(const std::string& text) {
  std::vector<double> values;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    const std::string word = text.substr(start, end - start);
    char* rest = nullptr;
    const double v = std::strtod(word.c_str(), &rest);
    if (word.empty() || *rest != '\0')
      throw std::runtime_error("storage holds unreadable objective values '" + text + "'");
    values.push_back(v);
    start = end + 1;
  }
  return values;
}

class SqlStore : public Store {
 public:
  explicit SqlStore(std::unique_ptr<SqlConnection> db) : db_(std::move(db)) {
    try {
      InitSchema();
    } catch (const UserError&) {
      throw;
    } catch (const TransientSqlError& e) {
      throw StorageUnavailable(db_->Describe(), e.what());
    } catch (const std::runtime_error& e) {
      throw UserError("cannot use storage " + db_->Describe() + ": " + e.what());
    }
  }

  Study OpenStudy(const std::string& name, const std::string& direction,
                  const std::string& config_yaml, bool create) override {
    return Guarded([&]() -> Study {
      Transaction tx(*db_, Transaction::kExclusive);
      std::optional<Study> study = FindStudy(name);
      if (!study) {
        if (!create) throw UserError("no study named '" + name + "' in " + db_->Describe());
        db_->Query(
            "INSERT INTO studies (name, direction, config_yaml, created_ms) VALUES (?, ?, ?, ?)",
            {name, direction, config_yaml, NowMs()});
        study = FindStudy(name);
      } else if (!direction.empty() && study->direction != direction) {
        throw UserError("study '" + name + "' was created to " + study->direction + ", not to " +
                        direction + " (a study keeps its goal; use a new --name)");
      }
      tx.Commit();
      return *study;
    });
  }

  std::vector<Study> ListStudies() override {
    return Guarded([&]() -> std::vector<Study> {
      std::vector<Study> studies;
      for (const SqlRow& row : db_->Query(
               "SELECT id, name, direction, config_yaml, created_ms FROM studies ORDER BY id")) {
        studies.push_back(StudyFromRow(row));
      }
      return studies;
    });
  }

  void UpdateStudyConfig(int64_t study_id, const std::string& config_yaml,
                         const std::string& accepted_changes) override {
    return Guarded([&]() -> void {
      Transaction tx(*db_, Transaction::kRows);
      db_->Query("UPDATE studies SET config_yaml = ? WHERE id = ?", {config_yaml, study_id});
      if (!accepted_changes.empty()) {
        db_->Query("INSERT INTO study_changes (study_id, at_ms, changes) VALUES (?, ?, ?)",
                   {study_id, NowMs(), accepted_changes});
      }
      tx.Commit();
    });
  }

  void RecordObjectives(int64_t study_id, const Objectives& objectives) override {
    return Guarded([&]() -> void {
      // Exclusive: workers starting together each replace the rows; in one transaction at a
      // time, none inserts a row another has just inserted (a unique violation is no retry).
      Transaction tx(*db_, Transaction::kExclusive);
      db_->Query("DELETE FROM study_objectives WHERE study_id = ?", {study_id});
      const std::vector<Objective> all = objectives.All();
      for (size_t i = 0; i < all.size(); ++i) {
        db_->Query(
            "INSERT INTO study_objectives (study_id, objective_index, name, maximize, label) "
            "VALUES (?, ?, ?, ?, ?)",
            {study_id, static_cast<int64_t>(i), all[i].name, int64_t{all[i].maximize},
             i == 0 ? objectives.label : std::string()});
      }
      tx.Commit();
    });
  }

  std::vector<StudyChange> LoadStudyChanges(int64_t study_id) override {
    return Guarded([&]() -> std::vector<StudyChange> {
      std::vector<StudyChange> changes;
      for (const SqlRow& row :
           db_->Query("SELECT at_ms, changes FROM study_changes WHERE study_id = ? ORDER BY at_ms",
                      {study_id})) {
        changes.push_back({row.Int(0), row.Text(1)});
      }
      return changes;
    });
  }

  void RecordStop(int64_t study_id, const std::string& reason) override {
    return Guarded([&]() -> void {
      db_->Query("INSERT INTO study_stops (study_id, at_ms, reason) VALUES (?, ?, ?)",
                 {study_id, NowMs(), reason});
    });
  }

  std::vector<StudyChange> LoadStudyStops(int64_t study_id) override {
    return Guarded([&]() -> std::vector<StudyChange> {
      std::vector<StudyChange> stops;
      for (const SqlRow& row :
           db_->Query("SELECT at_ms, reason FROM study_stops WHERE study_id = ? ORDER BY at_ms",
                      {study_id})) {
        stops.push_back({row.Int(0), row.Text(1)});
      }
      return stops;
    });
  }

  void RecordWorker(int64_t study_id, const Worker& w) override {
    return Guarded([&]() -> void {
      db_->Query(
          "INSERT INTO workers (study_id, worker, slurm_task, started_ms) VALUES (?, ?, ?, ?) "
          "ON CONFLICT (study_id, worker) DO UPDATE SET slurm_task = excluded.slurm_task, "
          "started_ms "
          "= excluded.started_ms",
          {study_id, w.worker, w.slurm_task, w.started_ms});
    });
  }

  std::vector<Worker> LoadWorkers(int64_t study_id) override {
    return Guarded([&]() -> std::vector<Worker> {
      std::vector<Worker> workers;
      for (const SqlRow& row :
           db_->Query("SELECT worker, slurm_task, started_ms FROM workers WHERE study_id = ? "
                      "ORDER BY started_ms, worker",
                      {study_id})) {
        workers.push_back({row.Text(0), row.Text(1), row.Int(2)});
      }
      return workers;
    });
  }

  // One statement per member, so two controllers saving the same member at once cannot both
  // win: the insert when there is no row (version 0), else the update while the version is
  // unchanged. One transaction for them all.
  std::vector<int> SavePbtMembers(int64_t study_id, const std::vector<PbtSave>& saves) override {
    return Guarded([&]() -> std::vector<int> {
      Transaction tx(*db_, Transaction::kRows);
      std::vector<int> stale;
      for (const PbtSave& s : saves) {
        const bool saved = !db_->Query(
                                   "INSERT INTO pbt_members (study_id, member, record, version) "
                                   "VALUES (?, ?, ?, 1) ON CONFLICT (study_id, member) DO UPDATE "
                                   "SET record = excluded.record, version = pbt_members.version + "
                                   "1 WHERE pbt_members.version = ? RETURNING version",
                                   {study_id, static_cast<int64_t>(s.member), s.record, s.version})
                                .empty();
        if (!saved && !AlreadySaved(study_id, s)) stale.push_back(s.member);
      }
      tx.Commit();
      return stale;
    });
  }

  // This very record at the next version: a retry of a save whose reply was lost (Guarded runs
  // the transaction again after a dropped connection, and it may have committed).
  bool AlreadySaved(int64_t study_id, const PbtSave& s) {
    return !db_->Query(
                   "SELECT 1 FROM pbt_members WHERE study_id = ? AND member = ? AND version = ? "
                   "AND record = ?",
                   {study_id, static_cast<int64_t>(s.member), s.version + 1, s.record})
                .empty();
  }

  std::map<int, PbtRecord> LoadPbtMembers(int64_t study_id) override {
    return Guarded([&]() -> std::map<int, PbtRecord> {
      std::map<int, PbtRecord> members;
      for (const SqlRow& row :
           db_->Query("SELECT member, record, version FROM pbt_members WHERE study_id = ? "
                      "ORDER BY member",
                      {study_id})) {
        members[static_cast<int>(row.Int(0))] = {row.Text(1), row.Int(2)};
      }
      return members;
    });
  }

  void RecordLaunch(int64_t study_id, const Launch& l) override {
    return Guarded([&]() -> void {
      db_->Query(
          "INSERT INTO launches (study_id, at_ms, scheduler, job_id, workers, script) VALUES (?, "
          "?, "
          "?, ?, ?, ?)",
          {study_id, l.at_ms, l.scheduler, l.job_id, static_cast<int64_t>(l.workers), l.script});
    });
  }

  std::vector<Launch> LoadLaunches(int64_t study_id) override {
    return Guarded([&]() -> std::vector<Launch> {
      std::vector<Launch> launches;
      for (const SqlRow& row : db_->Query(
               "SELECT scheduler, job_id, workers, script, at_ms FROM launches WHERE study_id = ? "
               "ORDER BY at_ms",
               {study_id})) {
        launches.push_back(
            {row.Text(0), row.Text(1), static_cast<int>(row.Int(2)), row.Text(3), row.Int(4)});
      }
      return launches;
    });
  }

  std::optional<Trial> ClaimTrial(int64_t study_id, int max_trials,
                                  const std::string& worker) override {
    return Guarded([&]() -> std::optional<Trial> {
      Transaction tx(*db_, Transaction::kExclusive);
      const int64_t counted =
          db_->Query(
                 "SELECT COUNT(*) FROM trials WHERE study_id = ? AND NOT (state "
                 "= 'FAILED' AND retried <> 0)",
                 {study_id})
              .at(0)
              .Int(0);
      const int64_t now = NowMs();
      const std::vector<SqlRow> waiting = db_->Query(
          "SELECT id FROM trials WHERE study_id = ? AND state = 'WAITING' ORDER BY number LIMIT 1",
          {study_id});
      int64_t trial_id = 0;
      if (!waiting.empty()) {
        // Re-queued trials were counted when queued; taking one does not grow the study.
        trial_id = waiting[0].Int(0);
        db_->Query(
            "UPDATE trials SET state = 'RUNNING', worker = ?, started_ms = ?, heartbeat_ms = ?, "
            "version = ? WHERE id = ?",
            {worker, now, now, NextStudyVersion(study_id), trial_id});
      } else {
        if (counted >= max_trials) return std::nullopt;
        const int64_t version = NextStudyVersion(study_id);
        trial_id = db_->Query(
                          "INSERT INTO trials (study_id, number, state, worker, created_ms, "
                          "started_ms, heartbeat_ms, version) "
                          "VALUES (?, ?, 'RUNNING', ?, ?, ?, ?, ?) RETURNING id",
                          {study_id, NextNumber(study_id), worker, now, now, now, version})
                       .at(0)
                       .Int(0);
      }
      // Read before the commit: a fault on a read after it would claim a second trial.
      Trial claimed = LoadTrial(trial_id);
      tx.Commit();
      return claimed;
    });
  }

  int64_t EnqueueTrial(int64_t study_id, const ParamSet& params, uint64_t seed) override {
    return Guarded([&]() -> int64_t {
      Transaction tx(*db_, Transaction::kExclusive);
      const int64_t version = NextStudyVersion(study_id);
      const int64_t number = NextNumber(study_id);
      const int64_t trial_id =
          db_->Query(
                 "INSERT INTO trials (study_id, number, state, seed, created_ms, version) "
                 "VALUES (?, ?, 'WAITING', ?, ?, ?) RETURNING id",
                 {study_id, number, static_cast<int64_t>(seed), NowMs(), version})
              .at(0)
              .Int(0);
      InsertParams(trial_id, params);
      tx.Commit();
      return number;
    });
  }

  void StartTrial(int64_t trial_id, const ParamSet& params, uint64_t seed,
                  const std::string& run_dir) override {
    return Guarded([&]() -> void {
      Transaction tx(*db_, Transaction::kRows);
      db_->Query("UPDATE trials SET seed = ?, run_dir = ?, version = ? WHERE id = ?",
                 {static_cast<int64_t>(seed), run_dir, NextVersionOfTrial(trial_id), trial_id});
      db_->Query("DELETE FROM trial_params WHERE trial_id = ?", {trial_id});
      InsertParams(trial_id, params);
      tx.Commit();
    });
  }

  std::vector<int64_t> Heartbeat(const std::vector<int64_t>& trial_ids) override {
    return Guarded([&]() -> std::vector<int64_t> {
      std::vector<int64_t> lost;
      if (trial_ids.empty()) return lost;
      Transaction tx(*db_, Transaction::kRows);
      const int64_t now = NowMs(),
                    version =
                        NextVersionOfTrial(trial_ids[0]);  // one controller's trials: one study
      for (int64_t id : trial_ids) {
        if (db_->Query("UPDATE trials SET heartbeat_ms = ?, version = ? WHERE id = ? AND state = "
                       "'RUNNING' RETURNING id",
                       {now, version, id})
                .empty())
          lost.push_back(id);
      }
      tx.Commit();
      return lost;
    });
  }

  void ReportIntermediate(int64_t trial_id, int64_t step, double value) override {
    return Guarded([&]() -> void {
      Transaction tx(*db_, Transaction::kRows);
      const int64_t version = NextVersionOfTrial(trial_id);
      db_->Query(
          "INSERT INTO trial_intermediates (trial_id, step, value) VALUES (?, ?, ?) "
          "ON CONFLICT (trial_id, step) DO UPDATE SET value = excluded.value",
          {trial_id, step, Optional(value)});
      db_->Query("UPDATE trials SET heartbeat_ms = ?, version = ? WHERE id = ?",
                 {NowMs(), version, trial_id});
      tx.Commit();
    });
  }

  void RecordRungs(int64_t trial_id, const std::map<int, double>& rungs) override {
    return Guarded([&]() -> void {
      Transaction tx(*db_, Transaction::kRows);
      const int64_t version = NextVersionOfTrial(trial_id);
      for (const auto& [rung, value] : rungs) {
        db_->Query(
            "INSERT INTO trial_rungs (trial_id, rung, value) VALUES (?, ?, ?) "
            "ON CONFLICT (trial_id, rung) DO NOTHING",
            {trial_id, static_cast<int64_t>(rung), value});
      }
      db_->Query("UPDATE trials SET version = ? WHERE id = ?", {version, trial_id});
      tx.Commit();
    });
  }

  void RecordSeedValue(int64_t trial_id, const SeedValue& seed_value) override {
    return Guarded([&]() -> void {
      Transaction tx(*db_, Transaction::kRows);
      const int64_t version = NextVersionOfTrial(trial_id);
      db_->Query(
          "INSERT INTO trial_seed_values (trial_id, seed_index, seed, value) SELECT ?, ?, ?, ? "
          "WHERE EXISTS (SELECT 1 FROM trials WHERE id = ? AND state = 'RUNNING') "
          "ON CONFLICT (trial_id, seed_index) DO UPDATE SET seed = excluded.seed, value = "
          "excluded.value",
          {trial_id, static_cast<int64_t>(seed_value.index), static_cast<int64_t>(seed_value.seed),
           seed_value.value, trial_id});
      db_->Query("UPDATE trials SET version = ? WHERE id = ?", {version, trial_id});
      tx.Commit();
    });
  }

  bool FinishTrial(int64_t trial_id, TrialState state, std::optional<double> value,
                   const std::vector<double>& more_values, TrialCost cost,
                   const std::string& error) override {
    return Guarded([&]() -> bool {
      Transaction tx(*db_, Transaction::kRows);
      const int64_t version = NextVersionOfTrial(trial_id);
      const bool finished =
          !db_->Query(
                  "UPDATE trials SET state = ?, value = ?, more_values = ?, cost = ?, "
                  "cost_measure = ?, error = ?, finished_ms = ?, version = ? WHERE id = ? "
                  "AND state = 'RUNNING' RETURNING id",
                  {std::string(StateName(state)), Optional(value), ValuesText(more_values),
                   cost.seconds, cost.measure, error, NowMs(), version, trial_id})
               .empty();
      tx.Commit();
      return finished;
    });
  }

  bool AdoptFinishedTrial(int64_t trial_id, double value, const std::vector<double>& more_values,
                          TrialCost cost) override {
    return Guarded([&]() -> bool {
      Transaction tx(*db_, Transaction::kRows);
      const int64_t version = NextVersionOfTrial(trial_id);
      const bool adopted =
          !db_->Query(
                  "UPDATE trials SET state = 'COMPLETE', value = ?, more_values = "
                  "?, cost = ?, cost_measure = ?, "
                  "error = '', finished_ms = ?, version = ? WHERE id = ? AND state "
                  "= 'RUNNING' RETURNING id",
                  {value, ValuesText(more_values), cost.seconds, cost.measure, NowMs(), version,
                   trial_id})
               .empty();
      tx.Commit();
      return adopted;
    });
  }

  bool FailAndRequeue(int64_t trial_id, const std::string& reason, int max_retries) override {
    return Guarded([&]() -> bool {
      Transaction tx(*db_, Transaction::kExclusive);
      const bool failed = FailAndRequeueLocked(trial_id, reason, max_retries);
      tx.Commit();
      return failed;
    });
  }

  std::vector<int64_t> RecoverStaleTrials(int64_t study_id, int64_t stale_after_ms,
                                          int max_retries) override {
    return Guarded([&]() -> std::vector<int64_t> {
      Transaction tx(*db_, Transaction::kExclusive);
      std::vector<int64_t> failed;
      for (const SqlRow& row : db_->Query("SELECT id, number FROM trials WHERE study_id = ? AND "
                                          "state = 'RUNNING' AND heartbeat_ms < ?",
                                          {study_id, NowMs() - stale_after_ms})) {
        FailAndRequeueLocked(row.Int(0), "heartbeat stale: its controller stopped while it ran",
                             max_retries);
        failed.push_back(row.Int(1));
      }
      tx.Commit();
      return failed;
    });
  }

  void ReleaseTrial(int64_t trial_id, bool queued) override {
    return Guarded([&]() -> void {
      Transaction tx(*db_, Transaction::kRows);
      // A deletion is noticed by readers of changes through the trial count.
      const int64_t version = NextVersionOfTrial(trial_id);
      if (queued) {
        db_->Query(
            "UPDATE trials SET state = 'WAITING', worker = '', run_dir = '', started_ms = 0, "
            "heartbeat_ms = 0, version = ? WHERE id = ? AND state = 'RUNNING'",
            {version, trial_id});
      } else {
        const std::vector<SqlValue> running = {trial_id, trial_id};
        db_->Query(
            "DELETE FROM trial_params WHERE trial_id = ? AND EXISTS (SELECT 1 FROM trials WHERE "
            "id = ? AND state = 'RUNNING')",
            running);
        db_->Query(
            "DELETE FROM trial_intermediates WHERE trial_id = ? AND EXISTS (SELECT 1 FROM trials "
            "WHERE id = ? AND state = 'RUNNING')",
            running);
        db_->Query("DELETE FROM trials WHERE id = ? AND state = 'RUNNING'", {trial_id});
      }
      tx.Commit();
    });
  }

  std::vector<Trial> LoadTrials(int64_t study_id) override {
    return Guarded(
        [&]() -> std::vector<Trial> { return LoadTrialsChangedSince(study_id, -1).trials; });
  }

  StudyChanges LoadTrialsChangedSince(int64_t study_id, int64_t since_version) override {
    return Guarded([&]() -> StudyChanges {
      // One snapshot: the version, the count and the rows agree, and a busy study never makes a
      // load fail.
      Transaction snapshot(*db_, Transaction::kRead);
      StudyChanges changes;
      const std::vector<SqlRow> head = db_->Query(
          "SELECT version, (SELECT COUNT(*) FROM trials WHERE study_id = ?) FROM studies WHERE id "
          "= "
          "?",
          {study_id, study_id});
      if (head.empty()) throw std::runtime_error("study vanished from storage");
      changes.version = head[0].Int(0);
      changes.trial_count = head[0].Int(1);
      std::map<int64_t, size_t> index_of;
      const std::vector<SqlValue> which = {study_id, since_version};
      for (const SqlRow& row : db_->Query(
               std::string(kTrialColumns) + " WHERE study_id = ? AND version > ? ORDER BY number",
               which)) {
        index_of[row.Int(0)] = changes.trials.size();
        changes.trials.push_back(TrialFromRow(row));
      }
      for (const SqlRow& row : db_->Query("SELECT p.trial_id, p.name, p.value FROM trial_params p "
                                          "JOIN trials t ON t.id = p.trial_id "
                                          "WHERE t.study_id = ? AND t.version > ?",
                                          which)) {
        AddParam(changes.trials.at(index_of.at(row.Int(0))), row.Text(1), row.Text(2));
      }
      for (const SqlRow& row :
           db_->Query("SELECT i.trial_id, i.step, i.value FROM trial_intermediates i JOIN trials t "
                      "ON t.id = i.trial_id "
                      "WHERE t.study_id = ? AND t.version > ? ORDER BY i.trial_id, i.step",
                      which)) {
        changes.trials.at(index_of.at(row.Int(0)))
            .intermediates.push_back({row.Int(1), row.Double(2)});
      }
      for (const SqlRow& row : db_->Query("SELECT r.trial_id, r.rung, r.value FROM trial_rungs r "
                                          "JOIN trials t ON t.id = r.trial_id "
                                          "WHERE t.study_id = ? AND t.version > ?",
                                          which)) {
        changes.trials.at(index_of.at(row.Int(0))).rungs[static_cast<int>(row.Int(1))] =
            row.Double(2);
      }
      for (const SqlRow& row :
           db_->Query("SELECT s.trial_id, s.seed_index, s.seed, s.value FROM trial_seed_values s "
                      "JOIN trials t ON t.id = s.trial_id "
                      "WHERE t.study_id = ? AND t.version > ? ORDER BY s.trial_id, s.seed_index",
                      which)) {
        changes.trials.at(index_of.at(row.Int(0)))
            .seed_values.push_back(
                {static_cast<int>(row.Int(1)), static_cast<uint64_t>(row.Int(2)), row.Double(3)});
      }
      snapshot.Commit();
      return changes;
    });
  }

 private:
  // Runs one store call (one transaction) and, on a fault that passes (TransientSqlError),
  // reconnects and runs it again, three times within about 2 s; then the fault is the
  // caller's (StorageUnavailable): `hpo sweep` waits for the storage, other commands report it.
  // A failed attempt was rolled back, so running the call again is safe. Calls are written to be
  // safe even when a COMMIT reached the database but its answer was lost: updates check the
  // state they change, and a claim made twice leaves a parameterless trial that the stale-trial
  // recovery re-queues (docs/multi_machine.md).
  template <class Call>
  auto Guarded(Call&& call) -> decltype(call()) {
    constexpr int kDelaysMs[] = {100, 400, 1500};
    for (int attempt = 0;; ++attempt) {
      try {
        if (broken_) db_->Reconnect();
        broken_ = false;
        return call();
      } catch (const TransientSqlError& e) {
        broken_ = true;
        if (attempt == static_cast<int>(std::size(kDelaysMs)))
          throw StorageUnavailable(db_->Describe(), e.what());
        std::this_thread::sleep_for(std::chrono::milliseconds(kDelaysMs[attempt]));
      }
    }
  }

  void InitSchema() {
    Transaction tx(*db_, Transaction::kExclusive);
    const std::vector<std::string> tables = db_->TableNames();
    if (std::find(tables.begin(), tables.end(), "meta") != tables.end()) {
      const std::vector<SqlRow> version =
          db_->Query("SELECT value FROM meta WHERE key = 'schema_version'");
      std::string found = version.empty() ? "none" : version[0].Text(0);
      if (found ==
          "1") {  // the version columns, 0 everywhere: every reader starts from a full load
        db_->Script("ALTER TABLE studies ADD COLUMN version " + db_->SchemaText("{int}") +
                    " NOT NULL DEFAULT 0");
        db_->Script("ALTER TABLE trials ADD COLUMN version " + db_->SchemaText("{int}") +
                    " NOT NULL DEFAULT 0");
        db_->Script("ALTER TABLE trials ADD COLUMN cost_measure " + db_->SchemaText("{real}") +
                    " NOT NULL DEFAULT 0");
        found = "2";
      }
      if (found == "2") {  // single-objective studies: no further values
        db_->Script("ALTER TABLE trials ADD COLUMN more_values TEXT NOT NULL DEFAULT ''");
        found = "3";
      }
      if (found == std::to_string(kSchemaVersion)) {
        db_->Query("UPDATE meta SET value = ? WHERE key = 'schema_version'", {found});
      }
      if (found != std::to_string(kSchemaVersion)) {
        throw UserError("storage " + db_->Describe() + " has schema version " + found +
                        "; this hpo reads version " + std::to_string(kSchemaVersion) +
                        " (use the hpo that wrote it, or another --storage)");
      }
      db_->Script(
          db_->SchemaText(kSchema));  // adds tables newer than the database (all IF NOT EXISTS)
    } else {
      if (!tables.empty())
        throw UserError("storage " + db_->Describe() + " is a database that hpo did not write");
      db_->Script(db_->SchemaText(kSchema));
      db_->Query("INSERT INTO meta (key, value) VALUES ('schema_version', ?)",
                 {std::to_string(kSchemaVersion)});
    }
    tx.Commit();
  }

  // Every change to a trial takes the next version of its study, under the study row's lock
  // (held to the commit), so versions are given in commit order: a reader that has seen
  // version V has seen every change up to V (LoadTrialsChangedSince).
  int64_t NextStudyVersion(int64_t study_id) {
    return db_
        ->Query("UPDATE studies SET version = version + 1 WHERE id = ? RETURNING version",
                {study_id})
        .at(0)
        .Int(0);
  }
  int64_t NextVersionOfTrial(int64_t trial_id) {
    const std::vector<SqlRow> rows = db_->Query(
        "UPDATE studies SET version = version + 1 WHERE id = (SELECT study_id FROM trials WHERE id "
        "= ?) RETURNING version",
        {trial_id});
    return rows.empty() ? 0 : rows[0].Int(0);  // a trial that is gone changes nothing
  }

  int64_t NextNumber(int64_t study_id) {
    return db_
        ->Query("SELECT COALESCE(MAX(number) + 1, 0) FROM trials WHERE study_id = ?", {study_id})
        .at(0)
        .Int(0);
  }

  void InsertParams(int64_t trial_id, const ParamSet& params) {
    for (const auto& [name, value] : params) {
      db_->Query("INSERT INTO trial_params (trial_id, name, value) VALUES (?, ?, ?)",
                 {trial_id, name, value.ToYaml()});
    }
  }

  std::optional<Study> FindStudy(const std::string& name) {
    const std::vector<SqlRow> rows = db_->Query(
        "SELECT id, name, direction, config_yaml, created_ms FROM studies WHERE name = ?", {name});
    if (rows.empty()) return std::nullopt;
    return StudyFromRow(rows[0]);
  }

  Study StudyFromRow(const SqlRow& r) {
    Study study{r.Int(0), r.Text(1), r.Text(2), r.Text(3), r.Int(4)};
    study.objectives = LoadObjectives(study.id);
    return study;
  }

  // None when no run has recorded them (a study from before study_objectives).
  std::optional<Objectives> LoadObjectives(int64_t study_id) {
    const std::vector<SqlRow> rows = db_->Query(
        "SELECT name, maximize, label FROM study_objectives WHERE study_id = ? "
        "ORDER BY objective_index",
        {study_id});
    if (rows.empty()) return std::nullopt;
    Objectives objectives{rows[0].Text(0), rows[0].Text(2), rows[0].Int(1) != 0, {}};
    for (size_t i = 1; i < rows.size(); ++i)
      objectives.more.push_back({rows[i].Text(0), rows[i].Int(1) != 0});
    return objectives;
  }

  static Trial TrialFromRow(const SqlRow& r) {
    Trial t;
    t.id = r.Int(0);
    t.number = r.Int(1);
    t.state = StateFromText(r.Text(2));
    t.seed = static_cast<uint64_t>(r.Int(3));
    if (!r.IsNull(4)) t.value = r.Double(4);
    t.cost = r.Double(5);
    t.error = r.Text(6);
    t.worker = r.Text(7);
    t.run_dir = r.Text(8);
    t.created_ms = r.Int(9);
    t.started_ms = r.Int(10);
    t.finished_ms = r.Int(11);
    t.heartbeat_ms = r.Int(12);
    t.retry_of = r.Int(13);
    t.retried = r.Int(14) != 0;
    t.cost_measure = r.Double(15);
    t.version = r.Int(16);
    t.more_values = ValuesFromText(r.Text(17));
    return t;
  }

  static void AddParam(Trial& trial, const std::string& name, const std::string& text) {
    std::optional<Value> value = Value::Parse(text);
    if (!value)
      throw std::runtime_error("storage holds an unreadable value '" + text + "' for " + name);
    trial.params[name] = std::move(*value);
  }

  Trial LoadTrial(int64_t trial_id) {
    const std::vector<SqlRow> rows =
        db_->Query(std::string(kTrialColumns) + " WHERE id = ?", {trial_id});
    if (rows.empty()) throw std::runtime_error("trial vanished from storage");
    Trial trial = TrialFromRow(rows[0]);
    for (const SqlRow& p :
         db_->Query("SELECT name, value FROM trial_params WHERE trial_id = ?", {trial_id})) {
      AddParam(trial, p.Text(0), p.Text(1));
    }
    return trial;
  }

  // Inside a write transaction: fail one RUNNING trial and queue its retry.
  bool FailAndRequeueLocked(int64_t trial_id, const std::string& reason, int max_retries) {
    // Check and set in one statement: a worker finishing this very trial at the same moment
    // holds its row lock, and then the trial is no longer RUNNING here.
    const int64_t now = NowMs(), version = NextVersionOfTrial(trial_id);
    const std::vector<SqlRow> found = db_->Query(
        "UPDATE trials SET state = 'FAILED', finished_ms = ?, error = ?, version = ? WHERE id = ? "
        "AND state = 'RUNNING' "
        "RETURNING study_id, number",
        {now, reason, version, trial_id});
    if (found.empty()) return false;
    const int64_t study_id = found[0].Int(0), number = found[0].Int(1);
    if (RetriesOf(study_id, number) >= max_retries) return true;
    const int64_t retry_id = db_->Query(
                                    "INSERT INTO trials (study_id, number, state, seed, run_dir, "
                                    "created_ms, retry_of, version) "
                                    "SELECT study_id, CAST(? AS BIGINT), 'WAITING', seed, '', "
                                    "CAST(? AS BIGINT), CAST(? AS BIGINT), "
                                    "version FROM trials WHERE id = ? RETURNING id",
                                    {NextNumber(study_id), now, number, trial_id})
                                 .at(0)
                                 .Int(0);
    db_->Query(
        "INSERT INTO trial_params (trial_id, name, value) SELECT CAST(? AS BIGINT), name, value "
        "FROM trial_params "
        "WHERE trial_id = ?",
        {retry_id, trial_id});
    db_->Query("UPDATE trials SET retried = 1 WHERE id = ?", {trial_id});
    return true;
  }

  int RetriesOf(int64_t study_id, int64_t number) {
    // Follow retry_of links back to the original trial.
    int retries = 0;
    for (int64_t current = number;; ++retries) {
      const std::vector<SqlRow> rows = db_->Query(
          "SELECT retry_of FROM trials WHERE study_id = ? AND number = ?", {study_id, current});
      if (rows.empty() || rows[0].Int(0) < 0) return retries;
      current = rows[0].Int(0);
    }
  }

  std::unique_ptr<SqlConnection> db_;
  bool broken_ = false;  // the last call failed with a fault that passes: reconnect first
};

}  // namespace

std::string_view StateName(TrialState state) {
  switch (state) {
    case TrialState::kWaiting:
      return "WAITING";
    case TrialState::kRunning:
      return "RUNNING";
    case TrialState::kComplete:
      return "COMPLETE";
    case TrialState::kPruned:
      return "PRUNED";
    case TrialState::kFailed:
      return "FAILED";
  }
  return "?";
}

std::optional<TrialState> ParseState(std::string_view name) {
  for (TrialState s : {TrialState::kWaiting, TrialState::kRunning, TrialState::kComplete,
                       TrialState::kPruned, TrialState::kFailed}) {
    if (StateName(s) == name) return s;
  }
  return std::nullopt;
}

StateCounts CountStates(const std::vector<Trial>& trials) {
  StateCounts counts;
  for (const Trial& t : trials) {
    switch (t.state) {
      case TrialState::kWaiting:
        ++counts.waiting;
        break;
      case TrialState::kRunning:
        ++counts.running;
        break;
      case TrialState::kComplete:
        ++counts.complete;
        break;
      case TrialState::kPruned:
        ++counts.pruned;
        break;
      case TrialState::kFailed:
        ++counts.failed, counts.requeued += t.retried;
        break;
    }
  }
  return counts;
}

int CountedTrials(const std::vector<Trial>& trials) {
  return static_cast<int>(trials.size()) - CountStates(trials).requeued;
}

int64_t NowMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

std::unique_ptr<Store> OpenStore(const std::string& url) {
  const StorageUrl parsed = ParseStorageUrl(url);
  if (parsed.kind == StorageUrl::Kind::kPostgres)
    return std::make_unique<SqlStore>(OpenPostgres(parsed.url));
  const std::filesystem::path parent = std::filesystem::path(parsed.path).parent_path();
  if (!parent.empty() && !std::filesystem::is_directory(parent)) {
    throw UserError("cannot open storage " + parsed.path + ": folder " + parent.string() +
                    " does not exist");
  }
  return std::make_unique<SqlStore>(OpenSqlite(parsed.path));
}

}  // namespace hpo::store
