// Study storage: the only thing several sweep controllers share.
//
// The interface is what a server database can implement as well (PostgreSQL later): every
// method is one short transaction, claims are atomic, and nothing is cached between calls.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/core/error.h"
#include "lib/core/objectives.h"
#include "lib/core/value.h"

namespace hpo::store {

/// The storage stayed unreachable through the store's own short retries: `hpo sweep` waits for it
/// (storage_retry) and every other command reports it. what() is one line naming the storage
/// (never its password) and the fault.
class StorageUnavailable : public EnvironmentError {
 public:
  StorageUnavailable(const std::string& storage, const std::string& fault)
      : EnvironmentError("storage " + storage + " is unreachable: " + fault),
        storage_(storage),
        fault_(fault) {}
  const std::string& storage() const { return storage_; }
  const std::string& fault() const { return fault_; }

 private:
  std::string storage_, fault_;
};

enum class TrialState { kWaiting, kRunning, kComplete, kPruned, kFailed };

/// "WAITING", "RUNNING", "COMPLETE", "PRUNED", "FAILED": the words status and exports print.
std::string_view StateName(TrialState state);
std::optional<TrialState> ParseState(std::string_view name);

struct Intermediate {
  int64_t step = 0;
  double value = 0.0;
};

/// One seed's final value in a trial trained on several seeds (`seeds_per_trial`): the trial's
/// value is their aggregate.
struct SeedValue {
  int index = 0;      ///< 0 .. seeds_per_trial-1; its run folder is <run_dir>/seed_<index>
  uint64_t seed = 0;  ///< the seed it trained with (index 0: the trial's seed)
  double value = 0.0;
};

struct Trial {
  int64_t id = 0;      ///< storage key
  int64_t number = 0;  ///< 0, 1, 2... within the study; names the run directory <study>.r.<number>
  TrialState state = TrialState::kWaiting;
  ParamSet params;
  uint64_t seed = 0;
  std::optional<double> value;  ///< final metric (COMPLETE) or last intermediate (PRUNED)
  /// A multi-objective study's further objectives (COMPLETE), in the order the study lists
  /// them, as the trial wrote them; empty in a single-objective study.
  std::vector<double> more_values;
  double cost = 0.0;          ///< wall-clock seconds the trial ran
  double cost_measure = 0.0;  ///< what the sampler weighs it by (the sweep's `cost:`): env
                              ///< steps, the cost the trial reported, or seconds; 0 = none
  std::string error;          ///< why it FAILED (or was pruned)
  std::string worker;         ///< host:pid of the controller that ran it
  std::string run_dir;
  int64_t created_ms = 0, started_ms = 0, finished_ms = 0, heartbeat_ms = 0;  ///< unix epoch ms
  int64_t retry_of = -1;                    ///< number of the failed trial this one repeats, or -1
  bool retried = false;                     ///< FAILED and already re-queued as another trial
  int64_t version = 0;                      ///< the study's version at this trial's last change
  std::vector<Intermediate> intermediates;  ///< sorted by step
  /// Successive halving's value at each rung a pruner decision completed, by rung (Optuna's
  /// completed_rung_<k>): stored, so that every controller, and one after a resume, sees them.
  std::map<int, double> rungs;
  /// Each seed's final value as it finished, by index (`seeds_per_trial` > 1; else empty).
  std::vector<SeedValue> seed_values;
};

/// How many of a study's trials are in each state.
struct StateCounts {
  int waiting = 0, running = 0, complete = 0, pruned = 0, failed = 0;
  int requeued = 0;  ///< of the FAILED ones, those re-queued as another trial (Trial::retried)
  int finished() const { return complete + pruned + failed; }
};
StateCounts CountStates(const std::vector<Trial>& trials);

/// The trials a study's budget counts, as ClaimTrial counts them: all but FAILED trials that
/// were re-queued (their retry counts instead).
int CountedTrials(const std::vector<Trial>& trials);

struct Study {
  int64_t id = 0;
  std::string name;
  std::string direction;    ///< "maximize" or "minimize"; one per objective, comma-separated,
                            ///< in a multi-objective study ("maximize,minimize")
  std::string config_yaml;  ///< the resolved sweep config of the study's latest run
  int64_t created_ms = 0;
  /// What the study optimises, as its latest run recorded it (RecordObjectives). None for a
  /// study no run has recorded them for (created by an hpo from before 2026-12-08, and not
  /// resumed since): only its config_yaml names them.
  std::optional<Objectives> objectives = std::nullopt;
};

/// A change to what the study searches, accepted with `hpo sweep --accept-changes`.
struct StudyChange {
  int64_t at_ms = 0;    ///< unix epoch ms
  std::string changes;  ///< "x: uniform [-1, 1] -> uniform [5, 9]; ..."
};

/// A controller that worked on a study: one `hpo sweep` process.
struct Worker {
  std::string worker;  ///< host:pid, as in Trial::worker
  std::string
      slurm_task;  ///< "<array job id>_<index>" (or a plain job id) when Slurm started it, else ""
  int64_t started_ms = 0;  ///< unix epoch ms
};

/// Workers handed to a cluster scheduler as one job (`hpo launch slurm`).
struct Launch {
  std::string scheduler;  ///< "slurm"
  std::string job_id;     ///< the scheduler's id of the job (a Slurm job array)
  int workers = 0;        ///< tasks in the job
  std::string script;     ///< path of the submitted script, on the machine that submitted it
  int64_t at_ms = 0;      ///< unix epoch ms
};

/// A PBT member's record and its version (Store::SavePbtMembers).
struct PbtRecord {
  std::string text;
  int64_t version = 0;
  bool operator==(const PbtRecord&) const = default;
};

/// A PBT member's new record, to be saved if its stored version is still `version` (0: none
/// stored yet).
struct PbtSave {
  int member = 0;
  std::string record;
  int64_t version = 0;
};

/// What a finished trial cost.
struct TrialCost {
  double seconds = 0.0;  ///< wall-clock seconds it ran
  double measure = 0.0;  ///< Trial::cost_measure
};

/// What changed in a study since a version (Store::LoadTrialsChangedSince).
struct StudyChanges {
  std::vector<Trial> trials;  ///< every trial changed after the given version, ordered by number
  int64_t version = 0;        ///< the study's version these changes bring a reader up to
  int64_t trial_count = 0;    ///< trials in the study at `version` (fewer than a reader holds:
                              ///< a claimed trial was abandoned, reload everything)
};

class Store {
 public:
  virtual ~Store() = default;

  /// Opens the study `name`, creating it with `direction` and `config_yaml` when `create` is
  /// true and it does not exist. Throws UserError if it does not exist and !create, or if it
  /// exists with another direction (a study's values rank one way for good).
  virtual Study OpenStudy(const std::string& name, const std::string& direction,
                          const std::string& config_yaml, bool create) = 0;
  virtual std::vector<Study> ListStudies() = 0;
  /// Replaces the study's stored config (each run stores the config it runs with). A non-empty
  /// `accepted_changes` is recorded in the study's history of changes.
  virtual void UpdateStudyConfig(int64_t study_id, const std::string& config_yaml,
                                 const std::string& accepted_changes) = 0;
  /// Stores what the study optimises, replacing what was stored (a label may change from run to
  /// run; the directions cannot). Each run records its own once its config is reconciled
  /// (runner::ReconcileStoredConfig), so readers need not parse config_yaml.
  virtual void RecordObjectives(int64_t study_id, const Objectives& objectives) = 0;
  /// The accepted changes, oldest first.
  virtual std::vector<StudyChange> LoadStudyChanges(int64_t study_id) = 0;
  /// Records why a controller stopped launching trials before the budget (a stopping rule).
  virtual void RecordStop(int64_t study_id, const std::string& reason) = 0;
  /// The recorded stops, oldest first (`changes` holds the reason).
  virtual std::vector<StudyChange> LoadStudyStops(int64_t study_id) = 0;

  /// Records that `worker` works on the study (once per controller; again replaces it).
  virtual void RecordWorker(int64_t study_id, const Worker& worker) = 0;
  /// The study's workers, in the order they started.
  virtual std::vector<Worker> LoadWorkers(int64_t study_id) = 0;
  /// Records a job of workers submitted to a scheduler.
  virtual void RecordLaunch(int64_t study_id, const Launch& launch) = 0;
  /// The study's launches, oldest first.
  virtual std::vector<Launch> LoadLaunches(int64_t study_id) = 0;

  /// Saves population-based training's records (text the sweep controller writes and reads,
  /// lib/runner/pbt_member.h, opaque here) in one transaction: each whose stored version is still
  /// the one given, its stored version then one more. Returns the members not saved because
  /// another controller saved them in between (several controllers share one population); the
  /// others are saved together, so a synchronous judgement of the whole population is never
  /// half written. A record found saved already (this text at the next version: a retry after
  /// a lost reply) counts as saved.
  virtual std::vector<int> SavePbtMembers(int64_t study_id, const std::vector<PbtSave>& saves) = 0;
  /// Every member's record, by member.
  virtual std::map<int, PbtRecord> LoadPbtMembers(int64_t study_id) = 0;

  /// Atomically claims the next trial for `worker` while the study has fewer than
  /// `max_trials` trials that count (every trial except FAILED ones that were re-queued):
  /// the oldest WAITING trial if any (params already set), else a new RUNNING trial with the
  /// next number and no params yet. std::nullopt when the budget is used up.
  virtual std::optional<Trial> ClaimTrial(int64_t study_id, int max_trials,
                                          const std::string& worker) = 0;

  /// Adds a WAITING trial with given params and seed (the next number): the next claim runs it
  /// as it is, without the sampler. `hpo validate` queues its re-runs this way. Returns its number.
  virtual int64_t EnqueueTrial(int64_t study_id, const ParamSet& params, uint64_t seed) = 0;

  /// Sets what the controller chose for a claimed trial.
  virtual void StartTrial(int64_t trial_id, const ParamSet& params, uint64_t seed,
                          const std::string& run_dir) = 0;
  /// Sends the heartbeat of running trials. Returns those of `trial_ids` that are no longer
  /// RUNNING: another controller took them over (adopted, or failed and re-queued them) while
  /// this one was silent, so this one must stop them and record nothing of them.
  virtual std::vector<int64_t> Heartbeat(const std::vector<int64_t>& trial_ids) = 0;
  virtual void ReportIntermediate(int64_t trial_id, int64_t step, double value) = 0;
  /// Records rung values a pruner decision completed (pruners::Decision::rungs); a rung already
  /// recorded keeps its value.
  virtual void RecordRungs(int64_t trial_id, const std::map<int, double>& rungs) = 0;
  /// Records one seed's final value of a RUNNING trial trained on several seeds (again:
  /// replaced); nothing for a trial no longer RUNNING (another controller took it over).
  virtual void RecordSeedValue(int64_t trial_id, const SeedValue& seed_value) = 0;
  /// Ends a RUNNING trial in a final state (COMPLETE, PRUNED or FAILED); `more_values` are a
  /// multi-objective study's further objectives (Trial::more_values). False, and nothing
  /// written, when the trial was no longer RUNNING (another controller took it over).
  virtual bool FinishTrial(int64_t trial_id, TrialState state, std::optional<double> value,
                           const std::vector<double>& more_values, TrialCost cost,
                           const std::string& error) = 0;

  /// Records a trial that finished while nobody watched (its controller died after the trial
  /// wrote its results) as COMPLETE with `value`. False if it was no longer RUNNING.
  virtual bool AdoptFinishedTrial(int64_t trial_id, double value,
                                  const std::vector<double>& more_values, TrialCost cost) = 0;

  /// Marks a RUNNING trial FAILED with `reason` and, while it has been retried fewer than
  /// `max_retries` times, re-queues it as a WAITING trial with the same params and seed.
  /// Returns false if the trial was no longer RUNNING (another controller got there first).
  virtual bool FailAndRequeue(int64_t trial_id, const std::string& reason, int max_retries) = 0;

  /// FailAndRequeue for every RUNNING trial whose heartbeat is older than `stale_after_ms`
  /// (its controller died). Returns the numbers it failed.
  virtual std::vector<int64_t> RecoverStaleTrials(int64_t study_id, int64_t stale_after_ms,
                                                  int max_retries) = 0;

  /// Gives back a claimed trial whose program never started (the sampler had nothing, or the
  /// storage or the disk failed first): a new trial is deleted, as if never claimed; a `queued`
  /// one (enqueued or re-queued, its parameters chosen before the claim) is WAITING again for
  /// the next claim. Nothing happens to a trial that is no longer RUNNING.
  virtual void ReleaseTrial(int64_t trial_id, bool queued) = 0;

  /// Every trial with its intermediate values, ordered by number.
  virtual std::vector<Trial> LoadTrials(int64_t study_id) = 0;
  /// The trials changed after `since_version` (a StudyChanges::version from an earlier call, or
  /// -1 for every trial), all read from one snapshot. Every change to a trial gives the study a
  /// new version, in commit order, so applying the changes in order misses nothing.
  virtual StudyChanges LoadTrialsChangedSince(int64_t study_id, int64_t since_version) = 0;
};

/// Opens storage from a URL: "sqlite:///abs/path.db", "sqlite:///rel/path.db" or a plain path.
/// Creates the schema in a new database; a database written by an incompatible schema version
/// is a UserError. Throws UserError for an unknown scheme or an unopenable path.
std::unique_ptr<Store> OpenStore(const std::string& url);

/// Milliseconds since the Unix epoch (the store's clock).
int64_t NowMs();

}  // namespace hpo::store
