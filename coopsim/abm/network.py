"""Who competes with whom: the graph of labs (``dynamics.network``).

Each round every pair of labs linked in the graph plays one match (so a lab of degree k plays k
matches), and an imitating lab compares itself with one neighbour chosen uniformly among its k
neighbours. Graphs are built with networkx on nodes 0..N-1 in the order of
:func:`coopsim.theory.stage_game.expand_labs`, seeded from the scenario's ``seed`` alone, so every
replicate and every variant with the same network settings plays on the same graph (replicates
differ in their dynamics, not their graph):

* ``complete``: every pair, i.e. today's round robin (matches in the same order);
* ``ring``: lab i linked to the ``degree``/2 nearest labs on each side;
* ``small_world``: Watts & Strogatz (1998), the ring with each link rewired with probability
  ``rewiring``;
* ``scale_free``: Barabasi & Albert (1999) preferential attachment, each new lab bringing
  m = ``degree``/2 links, so the average degree is 2m(N - m)/N, close to ``degree``;
* ``random_regular``: a uniformly random graph in which every lab has ``degree`` neighbours;
* ``file``: the analyst's own edges (see :func:`read_edges`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from typing import TYPE_CHECKING

import numpy as np

from coopsim.scenario.edges import read_edges
from coopsim.scenario.spec import NetworkSpec, Scenario

if TYPE_CHECKING:  # networkx and scipy.sparse load only when a scenario has a network
    import networkx as nx
    import scipy.sparse as sp



@dataclass(frozen=True)
class Network:
    """An undirected graph of N labs: its edges once each as (first < second), sorted, and the
    neighbour lists in CSR form (lab i's neighbours are ``indices[indptr[i]:indptr[i + 1]]``,
    ascending)."""

    spec: NetworkSpec
    first: np.ndarray
    second: np.ndarray
    indptr: np.ndarray
    indices: np.ndarray
    degree: np.ndarray = field(init=False)  # neighbours per lab
    isolated: bool = field(init=False)  # whether some lab has no neighbour

    def __post_init__(self):
        object.__setattr__(self, "degree", np.diff(self.indptr))
        object.__setattr__(self, "isolated", bool((self.degree == 0).any()))

    @property
    def size(self) -> int:
        return self.indptr.size - 1

    @property
    def accumulated(self) -> bool:
        """Whether imitating labs compare accumulated (rather than per-match) payoffs."""
        return self.spec.payoffs == "accumulated"

    def adjacency(self) -> sp.csr_matrix:
        """The symmetric 0/1 adjacency matrix."""
        import scipy.sparse as sp

        data = np.ones(self.indices.size)
        return sp.csr_matrix((data, self.indices, self.indptr), shape=(self.size, self.size))

    def pick_neighbours(self, labs: np.ndarray, uniform: np.ndarray) -> np.ndarray:
        """For each lab, the neighbour number floor(u * k) of its k neighbours, given uniforms u
        in [0, 1); a lab without neighbours gets itself. On the complete graph this is exactly
        the uniform choice among the other N - 1 labs used without a network."""
        start, degree = self.indptr[labs], self.degree[labs]
        offset = (uniform * degree).astype(np.intp)
        if not self.isolated:
            return self.indices[start + offset]
        safe = np.minimum(start + offset, max(self.indices.size - 1, 0))
        return np.where(degree > 0, self.indices[safe] if self.indices.size else labs, labs)

    def graph(self) -> nx.Graph:
        import networkx as nx

        graph = nx.Graph()
        graph.add_nodes_from(range(self.size))
        graph.add_edges_from(zip(self.first.tolist(), self.second.tolist()))
        return graph


def lab_names(scenario: Scenario) -> list[str]:
    """The names of the scenario's labs after expanding ``count``, in node order (as
    :func:`coopsim.games.stage.expand_labs` names them; any payoff model)."""
    from coopsim.policy.targets import expanded_names

    return expanded_names(scenario)[0]


def build_graph(spec: NetworkSpec, n_labs: int, seed: int, names: list[str] | None = None) -> nx.Graph:
    """The networkx graph of a network spec on nodes 0..n_labs-1 (``names`` for ``file``)."""
    import networkx as nx

    k = spec.degree
    if spec.type == "complete":
        return nx.complete_graph(n_labs)
    if spec.type == "ring":
        return nx.circulant_graph(n_labs, range(1, k // 2 + 1))
    if spec.type == "small_world":
        return nx.watts_strogatz_graph(n_labs, k, spec.rewiring, seed=seed)
    if spec.type == "scale_free":
        return nx.barabasi_albert_graph(n_labs, k // 2, seed=seed)
    if spec.type == "random_regular":
        return nx.random_regular_graph(k, n_labs, seed=seed)
    graph = nx.empty_graph(n_labs)
    graph.add_edges_from(read_edges(Path(spec.file), names or []))
    return graph


def from_graph(spec: NetworkSpec, graph: nx.Graph) -> Network:
    """The Network of a graph on nodes 0..N-1."""
    pairs = np.array(sorted((min(a, b), max(a, b)) for a, b in graph.edges()), dtype=np.intp)
    pairs = pairs.reshape(-1, 2)
    return from_pairs(spec, pairs[:, 0], pairs[:, 1], graph.number_of_nodes())


def from_pairs(spec: NetworkSpec, first: np.ndarray, second: np.ndarray, n: int) -> Network:
    """The Network with edges first[k]-second[k] (first < second, sorted) on n labs."""
    rows = np.concatenate([first, second])
    cols = np.concatenate([second, first])
    order = np.lexsort((cols, rows))
    indptr = np.zeros(n + 1, dtype=np.intp)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    return Network(spec, first, second, indptr, cols[order])


def build_network(scenario: Scenario) -> Network | None:
    """The scenario's network, or None when it has none (labs are matched by ``matching``)."""
    spec = scenario.dynamics.network
    if spec is None:
        return None
    names = lab_names(scenario)
    if spec.type == "complete":  # no networkx graph: the round robin's own pairs, in its order
        return from_pairs(spec, *np.triu_indices(len(names), k=1), len(names))
    return from_graph(spec, build_graph(spec, len(names), scenario.seed, names))
