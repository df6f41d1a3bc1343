"""Training of the neural context model (``detector.context_model``) with PyTorch.

The model learns to predict a word from the ``window`` words on each side, on the statistics
texts only (never on the classifier's documents). A full softmax over the vocabulary would cost
too much on a CPU, so each step compares the true word with words drawn from the unigram
distribution (sampled softmax, corrected for the sampling). Function words are predicted too,
since spinners also swap words into function words, but only a share of them is used as targets
(they are frequent and easy); the model's output bias is corrected for that share afterwards."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from tqdm import tqdm

from detector.context_model import ContextModel
from detector.lm import NgramStats
from detector.text import STOPWORDS

BOUNDARY = -1  # marks the start of a document in the id stream


@dataclass
class ContextTrainingConfig:
    vocabulary_size: int = 100_000  # at most this many words get their own output ...
    min_count: int = 10  # ... and only words the statistics counted this often
    window: int = 4
    embedding_dim: int = 64
    hidden_dim: int = 256
    output_dim: int = 64
    examples: int = 60_000_000  # 36M left the model undertrained (README: model 1.8.0 against 1.7.0)
    batch_size: int = 2048
    negatives: int = 256
    learning_rate: float = 2e-3
    function_word_share: float = 0.3  # share of function-word positions used as targets
    seed: int = 13
    threads: int = 2


def target_positions(ids: np.ndarray, vocabulary: list[str], config: ContextTrainingConfig,
                     rng: np.random.Generator) -> np.ndarray:
    """Positions of the words to predict: every word, function words thinned out."""
    content = np.array([w.isalpha() and w not in STOPWORDS for w in vocabulary] + [False])
    function = np.array([w.isalpha() and w in STOPWORDS for w in vocabulary] + [False])
    statistics_id = np.where(ids == BOUNDARY, len(vocabulary), ids)
    chosen = content[statistics_id] | (function[statistics_id] & (rng.random(len(ids)) < config.function_word_share))
    chosen[:config.window] = chosen[len(ids) - config.window:] = False
    return np.flatnonzero(chosen)


class _Batches:
    """Contexts and targets of sampled positions; context words from another document become padding."""

    def __init__(self, ids: np.ndarray, size: int, config: ContextTrainingConfig):
        boundary = ids == BOUNDARY
        self.padding = size
        self.inputs = np.where(boundary, size, np.where(ids < size, ids, 0)).astype(np.int64)
        self.document = np.cumsum(boundary).astype(np.int32)
        self.offsets = np.r_[np.arange(-config.window, 0), np.arange(1, config.window + 1)]

    def __call__(self, positions: np.ndarray):
        import torch

        around = positions[:, None] + self.offsets[None, :]
        same = self.document[around] == self.document[positions][:, None]
        context = np.where(same, self.inputs[around], self.padding)
        return torch.from_numpy(context), torch.from_numpy(self.inputs[positions])


def train_context_model(ids: np.ndarray, stats: NgramStats, config: ContextTrainingConfig,
                        progress: bool = True) -> ContextModel:
    """Fit the context model on a stream of statistics ids (documents opened by ``BOUNDARY``)."""
    import torch
    import torch.nn.functional as F

    torch.manual_seed(config.seed)
    torch.set_num_threads(config.threads)
    rng = np.random.default_rng(config.seed)
    # Statistics ids are in order of frequency (0 is the unknown word), so the first ids are the common words.
    size = min(config.vocabulary_size, 1 + int(np.sum(stats.unigram >= config.min_count)))
    targets = target_positions(ids, stats.vocabulary, config, rng)
    batches = _Batches(ids, size, config)
    counts = np.bincount(batches.inputs[targets], minlength=size)[:size]
    sampling = counts.astype(np.float64) ** 0.75
    sampling /= sampling.sum()
    log_sampling = torch.tensor(np.log(np.maximum(sampling, 1e-30)), dtype=torch.float32)
    sampler = torch.from_numpy(sampling).float()

    network = _network(size, config)
    sparse = [network.embeddings.weight, network.output.weight, network.bias.weight]
    dense = [p for p in network.parameters() if all(p is not s for s in sparse)]
    optimizers = [torch.optim.Adam(dense, lr=config.learning_rate),
                  torch.optim.SparseAdam(sparse, lr=config.learning_rate)]
    steps = max(1, config.examples // config.batch_size)
    schedules = [torch.optim.lr_scheduler.OneCycleLR(o, max_lr=config.learning_rate, total_steps=steps,
                                                     pct_start=0.05) for o in optimizers]
    for _ in tqdm(range(steps), desc="context model", unit=" steps", mininterval=5, disable=not progress):
        context, target = batches(targets[rng.integers(0, len(targets), config.batch_size)])
        negatives = torch.multinomial(sampler, config.negatives, replacement=True)
        vectors = network.context(context)
        true = (vectors * network.output(target)).sum(1) + network.bias(target)[:, 0] - log_sampling[target]
        sampled = vectors @ network.output(negatives).T + (network.bias(negatives)[:, 0] - log_sampling[negatives])
        sampled = sampled.masked_fill(negatives[None, :] == target[:, None], -1e9)
        logits = torch.cat([true[:, None], sampled], 1)
        loss = F.cross_entropy(logits, torch.zeros(len(target), dtype=torch.long))
        for optimizer in optimizers:
            optimizer.zero_grad()
        loss.backward()
        for optimizer, schedule in zip(optimizers, schedules):
            optimizer.step()
            schedule.step()
    return _export(network, stats, config)


def _network(size: int, config: ContextTrainingConfig):
    import torch
    from torch import nn

    class WindowNetwork(nn.Module):
        def __init__(self):
            super().__init__()
            self.embeddings = nn.Embedding(size + 1, config.embedding_dim, sparse=True)
            self.hidden = nn.Linear(2 * config.window * config.embedding_dim, config.hidden_dim)
            self.projection = nn.Linear(config.hidden_dim, config.output_dim)
            self.output = nn.Embedding(size, config.output_dim, sparse=True)
            self.bias = nn.Embedding(size, 1, sparse=True)
            nn.init.normal_(self.embeddings.weight, std=0.1)
            nn.init.normal_(self.output.weight, std=0.05)
            nn.init.zeros_(self.bias.weight)

        def context(self, context):
            return self.projection(torch.relu(self.hidden(self.embeddings(context).flatten(1))))

    return WindowNetwork()


def _export(network, stats: NgramStats, config: ContextTrainingConfig) -> ContextModel:
    weights = {name: value.detach().numpy() for name, value in network.state_dict().items()}
    bias = weights["bias.weight"][:, 0].copy()
    function = np.array([w in STOPWORDS for w in stats.vocabulary[:len(bias)]])
    bias[function] -= np.log(config.function_word_share)  # undo the thinning of function-word targets
    return ContextModel(weights["embeddings.weight"], weights["hidden.weight"].T, weights["hidden.bias"],
                        weights["projection.weight"].T, weights["projection.bias"], weights["output.weight"],
                        bias, config.window, ContextModel.rare_shares(stats.word_probability, len(bias)))
