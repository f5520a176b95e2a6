"""Labels of the road network (``network/``)."""

from __future__ import annotations

#: Key → (Chinese, English), keys prefixed by this part.
LABELS: dict[str, tuple[str, str]] = {
    # -- network --
    "net.origin_not_snapped": ("起点离道路过远，未匹配到路网", "origin is too far from any road"),
    "net.destination_not_snapped": ("终点离道路过远，未匹配到路网", "destination is too far from any road"),
    "net.no_route": ("路网中无可达路径", "no path in the network"),
    "net.summary": (
        "路网：节点 {nodes} 个，路段 {pieces} 条（有向边 {edges} 条），总长 {km:.1f} 千米；无名道路 {unnamed} 条，"
        "按道路等级默认车速 {speed_defaulted} 条，未知等级 {class_defaulted} 条，剔除 {dropped} 条",
        "network: {nodes} nodes, {pieces} road pieces ({edges} directed edges), {km:.1f} km; unnamed {unnamed}, "
        "speed by class default {speed_defaulted}, unknown class {class_defaulted}, dropped {dropped}",
    ),
}
