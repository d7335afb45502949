"""The offline writer's scene templates: Manim Community code, filled with a scene's text.

Every template renders with Manim 0.22 and no LaTeX: text is `Text`, maths is `MathTypst`,
and no number labels (`DecimalNumber`, axis numbers) are used, since those need LaTeX.
Each scene lasts about 5 to 7 seconds. Strings go in as Python literals (`repr`), so no
text can break the code. `PALETTE`, `INK` and `BACKGROUND` are module globals read when
the scene runs, which is what lets an edit restyle any of these scenes (see edits.py).
"""

from __future__ import annotations

from collections.abc import Callable

from videogen_providers.manim.scene_text import SceneText

HEADER = '''from manim import *

PALETTE = ["#58C4DD", "#83C167", "#F0AC5F", "#FC6255", "#C59CE8"]
INK = "#ECECEC"
BACKGROUND = "#101820"


def fit(mobject, width=12.0):
    """Scale `mobject` down to `width` when it is wider (long titles stay on screen)."""
    if mobject.width > width:
        mobject.scale_to_fit_width(width)
    return mobject


def heading(text):
    return fit(Text(text, font_size=40, color=PALETTE[0])).to_edge(UP, buff=0.5)


class Scene{n}(Scene):
    def construct(self):
        self.camera.background_color = BACKGROUND
'''

_HEADING = """\
        title = heading({title!r})
        self.play(Write(title), run_time=0.8)
"""


def _title_card(t: SceneText) -> str:
    return f"""\
        title = fit(Text({t.title!r}, font_size=56, color=PALETTE[0], weight=BOLD))
        rule = Line(LEFT * 4, RIGHT * 4, color=PALETTE[1]).next_to(title, DOWN, buff=0.4)
        subtitle = fit(Text({t.subtitle!r}, font_size=28, color=INK)).next_to(rule, DOWN, buff=0.4)
        self.play(Write(title), run_time=1.2)
        self.play(GrowFromCenter(rule), FadeIn(subtitle, shift=UP * 0.3), run_time=1.0)
        self.play(Indicate(title, color=PALETTE[2]), run_time=1.0)
        self.wait(0.8)
"""


def _bullets(t: SceneText) -> str:
    return _HEADING.format(title=t.title) + f"""\
        items = VGroup(*[
            VGroup(Dot(color=PALETTE[(i + 1) % len(PALETTE)]),
                   Text(point, font_size=28, color=INK)).arrange(RIGHT, buff=0.3)
            for i, point in enumerate({t.points!r})
        ]).arrange(DOWN, aligned_edge=LEFT, buff=0.45)
        fit(items).next_to(title, DOWN, buff=0.7)
        for item in items:
            self.play(FadeIn(item, shift=RIGHT * 0.4), run_time=0.6)
        self.play(Circumscribe(items[0], color=PALETTE[2]), run_time=0.9)
        self.wait(0.6)
"""


def _diagram(t: SceneText) -> str:
    return _HEADING.format(title=t.title) + f"""\
        nodes = VGroup(*[
            VGroup(RoundedRectangle(corner_radius=0.2, width=3.2, height=1.3,
                                    color=PALETTE[i % len(PALETTE)], fill_opacity=0.25),
                   fit(Text(label, font_size=28, color=INK), 2.8))
            for i, label in enumerate({t.labels!r})
        ]).arrange(RIGHT, buff=1.0)
        fit(nodes).move_to(DOWN * 0.2)
        arrows = VGroup(*[
            Arrow(nodes[i].get_right(), nodes[i + 1].get_left(), buff=0.1, color=PALETTE[2])
            for i in range(len(nodes) - 1)
        ])
        caption = fit(Text({t.subtitle!r}, font_size=24, color=INK)).next_to(nodes, DOWN, buff=0.7)
        self.play(LaggedStart(*[Create(node[0]) for node in nodes], lag_ratio=0.3), run_time=1.2)
        self.play(LaggedStart(*[Write(node[1]) for node in nodes], lag_ratio=0.3), run_time=1.0)
        self.play(LaggedStart(*[GrowArrow(arrow) for arrow in arrows], lag_ratio=0.4), run_time=1.0)
        self.play(FadeIn(caption, shift=UP * 0.2), run_time=0.6)
        self.wait(0.6)
"""


# (words that pick it, the function of x, x range, y range, its label)
_FUNCTIONS = (
    (("wave", "signal", "sound", "oscillat", "cycle", "periodic"),
     "np.sin(2 * x)", (-3, 3, 1), (-1.5, 1.5, 0.5), "a repeating wave"),
    (("loss", "error", "cost", "gradient", "learning", "optimi", "minimum"),
     "0.3 * x ** 2", (-3, 3, 1), (0, 3, 1), "error falls to its minimum"),
    (("growth", "exponential", "population", "interest", "compound", "spread"),
     "np.exp(x / 2) / 2", (-3, 3, 1), (0, 2.5, 0.5), "growth that speeds up"),
)
_DEFAULT_FUNCTION = ("1 / (1 + np.exp(-2 * x))", (-3, 3, 1), (0, 1.2, 0.2), "a smooth switch")


def _graph(t: SceneText) -> str:
    text = " ".join(t.words)
    expr, x_range, y_range, label = next(
        (rest for cues, *rest in _FUNCTIONS if any(c in text for c in cues)), _DEFAULT_FUNCTION
    )
    return _HEADING.format(title=t.title) + f"""\
        axes = Axes(x_range={list(x_range)!r}, y_range={list(y_range)!r}, x_length=9, y_length=4.2,
                    axis_config={{"color": INK}}).next_to(title, DOWN, buff=0.5)

        def f(x):
            return {expr}

        curve = axes.plot(f, color=PALETTE[1], stroke_width=5)
        label = fit(Text({label!r}, font_size=26, color=PALETTE[1]), 5)
        label.next_to(axes, DOWN, buff=0.3)
        dot = Dot(axes.c2p({x_range[0]}, f({x_range[0]})), color=PALETTE[2], radius=0.12)
        self.play(Create(axes), run_time=1.0)
        self.play(Create(curve), FadeIn(label), run_time=1.5)
        self.play(FadeIn(dot), run_time=0.3)
        self.play(MoveAlongPath(dot, curve), run_time=1.8)
        self.wait(0.6)
"""


def _number_line(t: SceneText) -> str:
    marks = sorted({min(10, max(0, n)) for n in t.numbers}) or [2, 7]
    return _HEADING.format(title=t.title) + f"""\
        line = NumberLine(x_range=[0, 10, 1], length=11, color=INK, include_tip=True)
        line.move_to(DOWN * 0.3)
        ticks = VGroup(*[
            Text(str(v), font_size=24, color=INK).next_to(line.n2p(v), DOWN, buff=0.3)
            for v in range(0, 11, 2)
        ])
        marks = {marks!r}
        dots = VGroup(*[
            Dot(line.n2p(v), color=PALETTE[i % len(PALETTE)], radius=0.13)
            for i, v in enumerate(marks)
        ])
        pointer = Arrow(UP, DOWN, color=PALETTE[2]).next_to(line.n2p(marks[0]), UP, buff=0.15)
        caption = fit(Text({t.subtitle!r}, font_size=24, color=INK)).next_to(ticks, DOWN, buff=0.6)
        self.play(Create(line), FadeIn(ticks), run_time=1.0)
        self.play(LaggedStart(*[GrowFromCenter(d) for d in dots], lag_ratio=0.3), run_time=1.0)
        self.play(GrowArrow(pointer), FadeIn(caption), run_time=0.6)
        self.play(pointer.animate.next_to(line.n2p(marks[-1]), UP, buff=0.15), run_time=1.5)
        self.wait(0.6)
"""


# (words that pick it, the Typst maths, what it says)
_FORMULAS = (
    (("learning", "model", "regression", "predict", "neural", "weight"),
     "y = w x + b", "prediction = weight times input plus bias"),
    (("force", "motion", "newton", "mass", "acceleration"),
     "F = m a", "force = mass times acceleration"),
    (("energy", "relativity", "light", "einstein"), "E = m c^2", "energy = mass times c squared"),
    (("circle", "area", "radius", "geometry"), "A = pi r^2", "the area of a circle"),
    (("triangle", "pythagor", "hypotenuse"), "a^2 + b^2 = c^2", "the sides of a right triangle"),
    (("probability", "chance", "random", "odds"),
     "P(A) = n / N", "favourable cases over all cases"),
    (("growth", "interest", "compound", "money"), "A = P (1 + r)^t", "growth by compounding"),
)
_DEFAULT_FORMULA = ("f(x) = a x^2 + b x + c", "one rule, many values")


def _formula(t: SceneText) -> str:
    text = " ".join(t.words)
    expr, meaning = next(
        (rest for cues, *rest in _FORMULAS if any(c in text for c in cues)), _DEFAULT_FORMULA
    )
    return _HEADING.format(title=t.title) + f"""\
        formula = MathTypst({expr!r}, font_size=72).set_color(PALETTE[1]).move_to(UP * 0.2)
        box = SurroundingRectangle(formula, color=PALETTE[2], buff=0.35, corner_radius=0.15)
        caption = fit(Text({meaning!r}, font_size=28, color=INK)).next_to(box, DOWN, buff=0.5)
        self.play(Write(formula), run_time=1.5)
        self.play(Create(box), run_time=0.8)
        self.play(FadeIn(caption, shift=UP * 0.2), run_time=0.6)
        self.play(Indicate(formula, color=PALETTE[3]), run_time=1.0)
        self.wait(0.6)
"""


def _bar_chart(t: SceneText) -> str:
    values = [max(1, n) for n in t.numbers[:5]]
    names = (t.labels + [w.title() for w in t.words])[: len(values)]
    names += [f"Case {i + 1}" for i in range(len(names), len(values))]
    return _HEADING.format(title=t.title) + f"""\
        values = {values!r}
        names = {names!r}
        top = max(values)
        bars = VGroup(*[
            Rectangle(width=1.3, height=0.3 + 3.4 * v / top, color=PALETTE[i % len(PALETTE)],
                      fill_opacity=0.8)
            for i, v in enumerate(values)
        ]).arrange(RIGHT, buff=0.5, aligned_edge=DOWN).move_to(DOWN * 0.5)
        base = Line(bars.get_corner(DL) + LEFT * 0.3, bars.get_corner(DR) + RIGHT * 0.3, color=INK)
        labels = VGroup(*[
            fit(Text(name, font_size=22, color=INK), 1.6).next_to(bar, DOWN, buff=0.2)
            for name, bar in zip(names, bars)
        ])
        amounts = VGroup(*[
            Text(str(v), font_size=24, color=INK).next_to(bar, UP, buff=0.15)
            for v, bar in zip(values, bars)
        ])
        self.play(Create(base), run_time=0.5)
        self.play(LaggedStart(*[GrowFromEdge(bar, DOWN) for bar in bars], lag_ratio=0.2),
                  run_time=1.5)
        self.play(FadeIn(labels), FadeIn(amounts), run_time=0.8)
        self.play(Indicate(bars[values.index(top)], color=PALETTE[2]), run_time=1.0)
        self.wait(0.6)
"""


def _table(t: SceneText) -> str:
    rows = [[label, point] for label, point in zip(t.labels, t.points, strict=False)]
    rows = [[label, point[:34] + ("..." if len(point) > 34 else "")] for label, point in rows]
    return _HEADING.format(title=t.title) + f"""\
        table = Table({rows!r}, col_labels=[Text("Part"), Text("What it means")],
                      include_outer_lines=True, line_config={{"color": INK}},
                      element_to_mobject_config={{"color": INK}})
        fit(table, 11).next_to(title, DOWN, buff=0.6)
        if table.height > 5:
            table.scale_to_fit_height(5).next_to(title, DOWN, buff=0.6)
        table.get_col_labels().set_color(PALETTE[0])
        self.play(table.create(), run_time=2.0)
        self.play(Indicate(table.get_rows()[1], color=PALETTE[2]), run_time=1.0)
        self.wait(0.8)
"""


def _transform(t: SceneText) -> str:
    first, second = t.labels[0], t.labels[-1]
    shape = "Circle(radius=1.2" if t.seed % 2 else "RegularPolygon(n=6, radius=1.3"
    return _HEADING.format(title=t.title) + f"""\
        before = Square(side_length=2.2, color=PALETTE[0], fill_opacity=0.5).shift(LEFT * 3.5)
        after = {shape}, color=PALETTE[1], fill_opacity=0.5).shift(RIGHT * 3.5)
        before_label = Text({first!r}, font_size=28, color=INK).next_to(before, DOWN, buff=0.4)
        after_label = Text({second!r}, font_size=28, color=INK).next_to(after, DOWN, buff=0.4)
        arrow = Arrow(LEFT * 1.4, RIGHT * 1.4, color=PALETTE[2])
        self.play(DrawBorderThenFill(before), Write(before_label), run_time=1.0)
        self.play(GrowArrow(arrow), run_time=0.6)
        moving = before.copy()
        self.play(Transform(moving, after), run_time=1.5)
        self.play(Write(after_label), Rotate(moving, angle=PI / 2), run_time=1.0)
        self.wait(0.6)
"""


BODIES: dict[str, Callable[[SceneText], str]] = {
    "title card": _title_card, "bullet reveal": _bullets, "labelled diagram": _diagram,
    "function graph": _graph, "number line": _number_line, "formula": _formula,
    "bar chart": _bar_chart, "table": _table, "shape transform": _transform,
}


def scene_code(t: SceneText) -> str:
    """The whole module of one scene: class `Scene{n}` drawing `t` with its template."""
    return HEADER.replace("{n}", str(t.scene_number)) + BODIES[t.template](t)
