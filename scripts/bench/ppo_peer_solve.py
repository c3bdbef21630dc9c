"""The Python peer of scripts/bench-solve: a lean CleanRL-style PPO (PyTorch, Gymnasium's vector
env with same-step autoreset, as ../shared/pyref/ppo_peer.py) with hpo's evaluation protocol
added, to measure its time to solve the same way: every EVAL_INTERVAL env steps, EVAL_EPISODES
deterministic (argmax) episodes on fresh envs seeded 0..n-1 from the run's seed; the time to solve
is the training wall time (evaluations included) at the first evaluation whose mean reaches the
env's threshold. Hyperparameters come from the resolved_config.yaml of the hpo run it is
compared with, so both train with the same settings.

  ppo_peer_solve.py RESOLVED_CONFIG.yaml SEED THRESHOLD  ->  one JSON line on stdout
"""
import json
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import yaml
from torch.distributions.categorical import Categorical

import gymnasium as gym
from peer_eval import evaluate


def layer(n_in, n_out, std=np.sqrt(2)):
    lin = nn.Linear(n_in, n_out)
    nn.init.orthogonal_(lin.weight, std)
    nn.init.constant_(lin.bias, 0.0)
    return lin


def mlp(n_in, widths, n_out, out_std):
    layers, width = [], n_in
    for w in widths:
        layers += [layer(width, w), nn.Tanh()]
        width = w
    return nn.Sequential(*layers, layer(width, n_out, out_std))


def greedy(actor):
    """The most probable action of each observation, as the envs take it."""
    return lambda obs: [int(a) for a in actor(obs).argmax(-1).numpy()]


def main():
    config_path, seed, threshold = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    c = yaml.safe_load(open(config_path))
    for key in ("learning_rate", "adam_eps", "adam_beta1", "adam_beta2", "gamma", "gae_lambda", "clip_range", "ent_coef",
                "vf_coef", "max_grad_norm"):
        c[key] = float(c[key])  # PyYAML reads 1e-05 (no dot) as a string
    torch.set_num_threads(1)
    torch.manual_seed(seed)
    np.random.seed(seed)
    n_envs, n_steps = c["n_envs"], c["n_steps"]
    batch = n_envs * n_steps
    iterations = -(-c["total_timesteps"] // batch)
    envs = gym.vector.SyncVectorEnv([lambda: gym.make(c["env_id"]) for _ in range(n_envs)],
                                    autoreset_mode=gym.vector.AutoresetMode.SAME_STEP)
    obs_dim = envs.single_observation_space.shape[0]
    actor = mlp(obs_dim, c["net_arch"], envs.single_action_space.n, 0.01)
    critic = mlp(obs_dim, c["net_arch"], 1, 1.0)
    params = list(actor.parameters()) + list(critic.parameters())
    optimizer = torch.optim.Adam(params, lr=c["learning_rate"], eps=c["adam_eps"],
                                 betas=(c["adam_beta1"], c["adam_beta2"]))

    obs_buf = torch.zeros((n_steps, n_envs, obs_dim))
    act_buf = torch.zeros((n_steps, n_envs))
    logp_buf, rew_buf, done_buf, val_buf = (torch.zeros((n_steps, n_envs)) for _ in range(4))
    next_obs = torch.tensor(envs.reset(seed=seed)[0], dtype=torch.float32)
    next_done = torch.zeros(n_envs)
    start = time.perf_counter()
    step, next_eval, solved_step, solved_time, last_eval = 0, c["eval_interval"], None, None, None
    for it in range(iterations):
        if c["anneal_lr"]:
            optimizer.param_groups[0]["lr"] = (1.0 - it / iterations) * c["learning_rate"]
        for t in range(n_steps):
            step += n_envs
            obs_buf[t], done_buf[t] = next_obs, next_done
            with torch.no_grad():
                dist = Categorical(logits=actor(next_obs))
                action = dist.sample()
                val_buf[t] = critic(next_obs).flatten()
            act_buf[t], logp_buf[t] = action, dist.log_prob(action)
            o, r, term, trunc, _ = envs.step(action.numpy())
            rew_buf[t] = torch.tensor(r, dtype=torch.float32)
            next_obs = torch.tensor(o, dtype=torch.float32)
            next_done = torch.tensor(np.logical_or(term, trunc), dtype=torch.float32)
        with torch.no_grad():
            next_value = critic(next_obs).flatten()
            adv = torch.zeros_like(rew_buf)
            last = 0
            for t in reversed(range(n_steps)):
                nonterminal = 1.0 - (next_done if t == n_steps - 1 else done_buf[t + 1])
                next_v = next_value if t == n_steps - 1 else val_buf[t + 1]
                delta = rew_buf[t] + c["gamma"] * next_v * nonterminal - val_buf[t]
                adv[t] = last = delta + c["gamma"] * c["gae_lambda"] * nonterminal * last
            ret = adv + val_buf
        b_obs, b_act, b_logp = obs_buf.reshape(-1, obs_dim), act_buf.reshape(-1), logp_buf.reshape(-1)
        b_adv, b_ret = adv.reshape(-1), ret.reshape(-1)
        mb = c["batch_size"]
        for _ in range(c["n_epochs"]):
            order = np.random.permutation(batch)
            for s in range(0, batch, mb):
                i = order[s:s + mb]
                dist = Categorical(logits=actor(b_obs[i]))
                logp = dist.log_prob(b_act[i])
                ratio = (logp - b_logp[i]).exp()
                a = b_adv[i]
                if c["normalize_advantage"]:
                    a = (a - a.mean()) / (a.std() + 1e-8)
                clip = c["clip_range"]
                pg = torch.max(-a * ratio, -a * ratio.clamp(1 - clip, 1 + clip)).mean()
                v_loss = ((critic(b_obs[i]).flatten() - b_ret[i]) ** 2).mean()
                loss = pg - c["ent_coef"] * dist.entropy().mean() + c["vf_coef"] * v_loss
                optimizer.zero_grad()
                loss.backward()
                nn.utils.clip_grad_norm_(params, c["max_grad_norm"])
                optimizer.step()
        if step >= next_eval:
            next_eval = (step // c["eval_interval"] + 1) * c["eval_interval"]
            last_eval = evaluate(greedy(actor), c["env_id"], c["eval_episodes"], seed * 1000)
            if solved_step is None and last_eval >= threshold:
                solved_step, solved_time = step, time.perf_counter() - start
    print(json.dumps({"seed": seed, "steps_to_solve": solved_step, "time_to_solve": solved_time,
                      "training_time": time.perf_counter() - start, "total_timesteps": step,
                      "last_eval": last_eval}))


if __name__ == "__main__":
    main()
