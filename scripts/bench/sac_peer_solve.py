"""The Python SAC peer of scripts/bench-solve: CleanRL's SAC, step for step, with hpo's
hyperparameters and hpo's evaluation protocol, to measure its gradient steps/s, env steps/s and
time to solve the way ppo_peer_solve.py does for PPO.

It follows vwxyzjn/cleanrl `cleanrl/sac_continuous_action.py` (commit fe8d8a03, 2026-04-20):
the networks of its lines 84-151 (SoftQNetwork, Actor with the tanh-squashed log-std in
[-5, 2], action_scale/action_bias, get_action), the seeding and setup of 176-223, the env loop of
224-252 and the gradient step of 255-304 (critics against the twin targets, the actor against
the critics just updated, the entropy coefficient's step, Polyak targets). Written anew here,
not copied. Hyperparameters come from the resolved_config.yaml of the hpo run it is compared
with (net_arch, activation_fn, learning_rate, adam_*, batch_size, buffer_size, learning_starts,
tau, gamma, ent_coef, ent_coef_auto, train_freq, gradient_steps, anneal_lr, total_timesteps,
eval_interval, eval_episodes, final_eval_episodes).

Where CleanRL's file and hpo's SAC (lib/trainer/sac_run.cc, sac_update.cc) differ in structure,
this follows hpo, so both do the same work per env step:
- One learning rate for actor, critics and entropy coefficient (hpo's learning_rate); CleanRL
  has policy_lr 3e-4 and q_lr 1e-3 (also the entropy coefficient's). Adam's betas and eps are
  hpo's adam_beta1/2 and adam_eps (CleanRL: torch's defaults, the same as hpo's SAC defaults).
- policy_frequency 1 and target_network_frequency 1: one actor step and one Polyak step per
  gradient step, as hpo (CleanRL's defaults are 2 and 1: every second step, two actor steps).
- The entropy coefficient's loss uses the log-probabilities of the actor step's own sample
  (detached), as hpo and SB3 do, instead of CleanRL's fresh no-grad sample after the actor step
  (line 291): that sample is one actor forward pass per gradient step that hpo does not make.
  Its initial value is hpo's ent_coef (1 by default, CleanRL's log_alpha = 0 too); with
  ent_coef_auto false it stays ent_coef (CleanRL's --no-autotune with --alpha).
- hpo's schedule: the env step count is advanced before the learning check, learning needs
  step > learning_starts and batch_size transitions in the buffer, then every train_freq steps
  gradient_steps gradient steps (CleanRL: one per step from step learning_starts + 1 on, counted
  before the step). So the peer takes exactly as many gradient steps as hpo.
- One env copy (hpo's SAC n_envs default, CleanRL's num_envs default); another n_envs stops it.
- Gymnasium v1.3's SyncVectorEnv in same-step autoreset (as ppo_peer_solve.py), so the last
  observation of a truncated episode is infos["final_obs"] (CleanRL's line 248 reads the old
  "final_observation" key). The random actions before learning_starts come from the vector
  env's action space seeded with the run's seed (CleanRL leaves that space unseeded).
- The replay buffer is a numpy ring written here with SB3's ReplayBuffer's sampling (uniform
  with replacement over the filled rows, dones = terminations only, as CleanRL's
  handle_timeout_termination=False), its batch handed to torch without SB3's extra copy and
  env-index draw (one env); get_action does not compute the unused squashed mean (CleanRL's
  line 150); no TensorBoard writer, episode prints or SPS prints.
Kept from CleanRL where hpo differs, since they change no work: actions are stored and fed to
the critics in the env's units (hpo: in [-1, 1]); the log-std is squashed into [-5, 2] (hpo
clamps to [-20, 2]); the critic loss is mse1 + mse2 (hpo: half that); the entropy loss is
-exp(log_alpha) * (log_pi + target) (hpo: SB3's -log_alpha * (...)); the action for the env
step is sampled with autograd on, as CleanRL's line 229.

Evaluation, as hpo's RunLog and ppo_peer_solve.py: at the first env step at or past each
multiple of eval_interval, eval_episodes deterministic episodes (tanh of the mean, scaled) on
fresh envs seeded seed*1000+i; the time to solve is the training time (evaluations included)
at the first evaluation whose mean reaches the threshold. At the end a final evaluation of
final_eval_episodes episodes (final_mean_reward), inside training_time as in hpo.
Gradient steps/s = gradient steps / time in them (buffer sampling included, as hpo's
time_update); env steps/s = total env steps / training_time (hpo's sps).

  sac_peer_solve.py RESOLVED_CONFIG.yaml SEED THRESHOLD  ->  one JSON line on stdout

Needs Gymnasium and PyTorch on Debian's /usr/bin/python3 (../shared/pyref/README.md):
  PYTHONPATH=$PYREF/src/pybox2d/build/lib.linux-x86_64-cpython-311:$PYREF/src/gymnasium:\
<shared>/pyref/stubs  taskset -c 1 env OMP_NUM_THREADS=1 /usr/bin/python3 sac_peer_solve.py ...
"""
import json
import random
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import yaml

import gymnasium as gym
from peer_eval import evaluate

LOG_STD_MAX = 2
LOG_STD_MIN = -5
ACTIVATIONS = {"relu": F.relu, "tanh": torch.tanh}


def hidden_layers(n_in, widths):
    layers, width = [], n_in
    for w in widths:
        layers.append(nn.Linear(width, w))
        width = w
    return nn.ModuleList(layers), width


class SoftQNetwork(nn.Module):
    """CleanRL's SoftQNetwork with hpo's net_arch and activation_fn."""

    def __init__(self, obs_dim, act_dim, widths, activation):
        super().__init__()
        self.hidden, last = hidden_layers(obs_dim + act_dim, widths)
        self.out = nn.Linear(last, 1)
        self.activation = activation

    def forward(self, x, a):
        x = torch.cat([x, a], 1)
        for fc in self.hidden:
            x = self.activation(fc(x))
        return self.out(x)


class Actor(nn.Module):
    """CleanRL's Actor with hpo's net_arch and activation_fn."""

    def __init__(self, obs_dim, space, widths, activation):
        super().__init__()
        act_dim = int(np.prod(space.shape))
        self.hidden, last = hidden_layers(obs_dim, widths)
        self.fc_mean = nn.Linear(last, act_dim)
        self.fc_logstd = nn.Linear(last, act_dim)
        self.activation = activation
        self.register_buffer("action_scale", torch.tensor((space.high - space.low) / 2.0, dtype=torch.float32))
        self.register_buffer("action_bias", torch.tensor((space.high + space.low) / 2.0, dtype=torch.float32))

    def forward(self, x):
        for fc in self.hidden:
            x = self.activation(fc(x))
        mean = self.fc_mean(x)
        log_std = torch.tanh(self.fc_logstd(x))
        log_std = LOG_STD_MIN + 0.5 * (LOG_STD_MAX - LOG_STD_MIN) * (log_std + 1)
        return mean, log_std

    def get_action(self, x):
        mean, log_std = self(x)
        normal = torch.distributions.Normal(mean, log_std.exp())
        x_t = normal.rsample()
        y_t = torch.tanh(x_t)
        action = y_t * self.action_scale + self.action_bias
        log_prob = normal.log_prob(x_t)
        log_prob -= torch.log(self.action_scale * (1 - y_t.pow(2)) + 1e-6)
        return action, log_prob.sum(1, keepdim=True)

    def deterministic(self, x):
        return torch.tanh(self(x)[0]) * self.action_scale + self.action_bias


class ReplayBuffer:
    """A ring of transitions sampled uniformly with replacement (SB3's ReplayBuffer.sample)."""

    def __init__(self, capacity, obs_dim, act_dim):
        self.capacity, self.pos, self.full = capacity, 0, False
        self.obs = np.zeros((capacity, obs_dim), dtype=np.float32)
        self.next_obs = np.zeros((capacity, obs_dim), dtype=np.float32)
        self.actions = np.zeros((capacity, act_dim), dtype=np.float32)
        self.rewards = np.zeros(capacity, dtype=np.float32)
        self.dones = np.zeros(capacity, dtype=np.float32)

    def size(self):
        return self.capacity if self.full else self.pos

    def add(self, obs, next_obs, action, reward, done):
        self.obs[self.pos], self.next_obs[self.pos], self.actions[self.pos] = obs, next_obs, action
        self.rewards[self.pos], self.dones[self.pos] = reward, done
        self.pos = (self.pos + 1) % self.capacity
        self.full = self.full or self.pos == 0

    def sample(self, n):
        i = np.random.randint(0, self.size(), size=n)
        return (torch.from_numpy(self.obs[i]), torch.from_numpy(self.actions[i]), torch.from_numpy(self.next_obs[i]),
                torch.from_numpy(self.dones[i]), torch.from_numpy(self.rewards[i]))


class Sac:
    """The networks, optimizers and CleanRL's gradient step (its lines 255-304)."""

    def __init__(self, c, envs):
        obs_dim = int(np.prod(envs.single_observation_space.shape))
        space = envs.single_action_space
        act_dim = int(np.prod(space.shape))
        activation = ACTIVATIONS[c["activation_fn"]]
        self.c = c
        self.actor = Actor(obs_dim, space, c["net_arch"], activation)
        self.qf1, self.qf2 = (SoftQNetwork(obs_dim, act_dim, c["net_arch"], activation) for _ in range(2))
        self.qf1_target, self.qf2_target = (SoftQNetwork(obs_dim, act_dim, c["net_arch"], activation)
                                            for _ in range(2))
        self.qf1_target.load_state_dict(self.qf1.state_dict())
        self.qf2_target.load_state_dict(self.qf2.state_dict())
        adam = dict(lr=c["learning_rate"], betas=(c["adam_beta1"], c["adam_beta2"]), eps=c["adam_eps"])
        self.q_optimizer = torch.optim.Adam(list(self.qf1.parameters()) + list(self.qf2.parameters()), **adam)
        self.actor_optimizer = torch.optim.Adam(list(self.actor.parameters()), **adam)
        self.optimizers = [self.q_optimizer, self.actor_optimizer]
        self.autotune = c["ent_coef_auto"]
        self.alpha = c["ent_coef"]
        if self.autotune:
            self.target_entropy = -float(act_dim)
            self.log_alpha = torch.full((1,), float(np.log(c["ent_coef"])), requires_grad=True)
            self.alpha = self.log_alpha.exp().item()
            self.a_optimizer = torch.optim.Adam([self.log_alpha], **adam)
            self.optimizers.append(self.a_optimizer)
        self.gradient_steps = 0

    def set_lr(self, lr):
        for optimizer in self.optimizers:
            optimizer.param_groups[0]["lr"] = lr

    def step(self, rb):
        obs, actions, next_obs, dones, rewards = rb.sample(self.c["batch_size"])
        with torch.no_grad():
            next_state_actions, next_state_log_pi = self.actor.get_action(next_obs)
            qf1_next_target = self.qf1_target(next_obs, next_state_actions)
            qf2_next_target = self.qf2_target(next_obs, next_state_actions)
            min_qf_next_target = torch.min(qf1_next_target, qf2_next_target) - self.alpha * next_state_log_pi
            next_q_value = rewards + (1 - dones) * self.c["gamma"] * min_qf_next_target.view(-1)
        qf1_loss = F.mse_loss(self.qf1(obs, actions).view(-1), next_q_value)
        qf2_loss = F.mse_loss(self.qf2(obs, actions).view(-1), next_q_value)
        qf_loss = qf1_loss + qf2_loss
        self.q_optimizer.zero_grad()
        qf_loss.backward()
        self.q_optimizer.step()

        pi, log_pi = self.actor.get_action(obs)
        min_qf_pi = torch.min(self.qf1(obs, pi), self.qf2(obs, pi))
        actor_loss = ((self.alpha * log_pi) - min_qf_pi).mean()
        self.actor_optimizer.zero_grad()
        actor_loss.backward()
        self.actor_optimizer.step()

        if self.autotune:  # on the actor step's log_pi, as hpo (see the header)
            alpha_loss = (-self.log_alpha.exp() * (log_pi.detach() + self.target_entropy)).mean()
            self.a_optimizer.zero_grad()
            alpha_loss.backward()
            self.a_optimizer.step()
            self.alpha = self.log_alpha.exp().item()

        tau = self.c["tau"]
        for net, target in ((self.qf1, self.qf1_target), (self.qf2, self.qf2_target)):
            for param, target_param in zip(net.parameters(), target.parameters()):
                target_param.data.copy_(tau * param.data + (1 - tau) * target_param.data)
        self.gradient_steps += 1


def deterministic(actor):
    """The squashed mean action of each observation, in the env's units."""
    return lambda obs: actor.deterministic(obs).numpy()


def read_config(path):
    with open(path) as f:
        c = yaml.safe_load(f)
    for key in ("learning_rate", "adam_eps", "adam_beta1", "adam_beta2", "gamma", "tau", "ent_coef"):
        c[key] = float(c[key])  # PyYAML reads 1e-08 (no dot) as a string
    if c["n_envs"] != 1:
        sys.exit(f"sac_peer_solve.py: n_envs {c['n_envs']}: the peer runs one env copy, as hpo's SAC default")
    return c


def main():
    config_path, seed, threshold = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    c = read_config(config_path)
    torch.set_num_threads(1)
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    envs = gym.vector.SyncVectorEnv([lambda: gym.wrappers.RecordEpisodeStatistics(gym.make(c["env_id"]))],
                                    autoreset_mode=gym.vector.AutoresetMode.SAME_STEP)
    envs.single_action_space.seed(seed)
    sac = Sac(c, envs)
    actor = sac.actor
    rb = ReplayBuffer(c["buffer_size"], int(np.prod(envs.single_observation_space.shape)),
                      int(np.prod(envs.single_action_space.shape)))
    total = c["total_timesteps"]
    spent = {"env": 0.0, "policy": 0.0, "update": 0.0, "eval": 0.0}
    step, next_eval, solved_step, solved_time, last_eval = 0, c["eval_interval"], None, None, None
    obs, _ = envs.reset(seed=seed)
    start = time.perf_counter()
    while step < total:
        t0 = time.perf_counter()
        if step < c["learning_starts"]:
            actions = np.array([envs.single_action_space.sample()])
        else:
            actions, _ = actor.get_action(torch.Tensor(obs))
            actions = actions.detach().numpy()
        t1 = time.perf_counter()
        next_obs, rewards, terminations, truncations, infos = envs.step(actions)
        t2 = time.perf_counter()
        spent["policy"] += t1 - t0
        spent["env"] += t2 - t1
        real_next_obs = next_obs.copy()
        for idx, trunc in enumerate(truncations):
            if trunc:
                real_next_obs[idx] = infos["final_obs"][idx]
        rb.add(obs[0], real_next_obs[0], actions[0], rewards[0], terminations[0])
        obs = next_obs
        step += 1

        if c["anneal_lr"]:
            sac.set_lr(c["learning_rate"] * (1.0 - step / total))
        if step > c["learning_starts"] and rb.size() >= c["batch_size"] and step % c["train_freq"] == 0:
            t3 = time.perf_counter()
            for _ in range(c["gradient_steps"]):
                sac.step(rb)
            spent["update"] += time.perf_counter() - t3
        if c["eval_interval"] > 0 and step >= next_eval:
            next_eval = (step // c["eval_interval"] + 1) * c["eval_interval"]
            t4 = time.perf_counter()
            last_eval = evaluate(deterministic(actor), c["env_id"], c["eval_episodes"], seed * 1000)
            spent["eval"] += time.perf_counter() - t4
            if solved_step is None and last_eval >= threshold:
                solved_step, solved_time = step, time.perf_counter() - start
    t5 = time.perf_counter()
    final_mean_reward = evaluate(deterministic(actor), c["env_id"], c["final_eval_episodes"], seed * 1000)
    spent["eval"] += time.perf_counter() - t5
    training_time = time.perf_counter() - start
    print(json.dumps({"seed": seed, "steps_to_solve": solved_step, "time_to_solve": solved_time,
                      "training_time": training_time, "total_timesteps": step, "last_eval": last_eval,
                      "final_mean_reward": final_mean_reward, "gradient_steps": sac.gradient_steps,
                      "gradient_steps_per_s": sac.gradient_steps / spent["update"] if spent["update"] else None,
                      "env_steps_per_s": step / training_time, "time_env_step": spent["env"],
                      "time_policy_rollout": spent["policy"], "time_update": spent["update"],
                      "time_eval": spent["eval"]}))


if __name__ == "__main__":
    main()
