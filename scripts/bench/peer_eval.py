"""The evaluation protocol both Python peers use (scripts/bench/ppo_peer_solve.py, sac_peer_solve.py),
as hpo's trainer evaluates: `episodes` fresh envs, episode i reset with seed + i, deterministic
actions, the mean undiscounted return."""
import gymnasium as gym
import numpy as np
import torch


def evaluate(act, env_id, episodes, seed):
    """`act`: a batch of observations (a float32 tensor) -> the envs' actions (a numpy array)."""
    envs = [gym.make(env_id) for _ in range(episodes)]
    obs = np.stack([e.reset(seed=seed + i)[0] for i, e in enumerate(envs)])
    returns = np.zeros(episodes)
    active = list(range(episodes))
    while active:
        with torch.no_grad():
            actions = act(torch.tensor(obs[active], dtype=torch.float32))
        still = []
        for k, i in enumerate(active):
            o, r, term, trunc, _ = envs[i].step(actions[k])
            obs[i] = o
            returns[i] += r
            if not (term or trunc):
                still.append(i)
        active = still
    return float(returns.mean())
