"""utils.graphs: the layout of a small scalar graph and its drawing."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from utils import graphs  # noqa: E402


class Node:
    def __init__(self, data, parents=()):
        self.data, self.grad, self._prev = float(data), 0.0, tuple(parents)


def diamond():
    x = Node(2.0)
    a = Node(4.0, (x,))
    b = Node(5.0, (a,))
    d = Node(20.0, (a, b))
    return x, a, b, d


def test_nodes_in_order_lists_each_node_once_parents_first():
    x, a, b, d = diamond()
    order = graphs.nodes_in_order(d)
    assert [id(n) for n in order] == [id(x), id(a), id(b), id(d)]


def test_layout_puts_inner_nodes_on_row_0_by_longest_path_and_inputs_above():
    x, a, b, d = diamond()
    w = Node(3.0)
    e = Node(60.0, (d, w))
    place = graphs.layout(e)
    assert place[id(a)] == (1.0, 0.0)
    assert place[id(b)] == (2.0, 0.0)
    assert place[id(d)] == (3.0, 0.0)  # the longest path x -> a -> b -> d
    assert place[id(e)] == (4.0, 0.0)
    assert place[id(x)] == (0.0, 1.0)  # one column left of a, its user
    assert place[id(w)] == (3.0, 1.0)  # one column left of e


def test_a_single_node_is_drawn_on_row_0():
    only = Node(1.5)
    assert graphs.layout(only) == {id(only): (0.0, 0.0)}


def test_draw_graph_writes_a_box_per_node_with_data_and_grad():
    x, a, b, d = diamond()
    d.grad = 1.0
    fig, ax = plt.subplots()
    graphs.draw_graph(d, {a: "a", d: "d"}, ax=ax)
    texts = [t.get_text() for t in ax.texts if t.get_text()]  # arrows are empty annotations
    assert "constant\ndata 2\ngrad 0" in texts  # an unnamed input
    assert "d\ndata 20\ngrad 1" in texts
    assert "5\ndata 5\ngrad 0" in texts  # an unnamed inner node: labelled by its data
    assert len(texts) == 4
    plt.close(fig)
