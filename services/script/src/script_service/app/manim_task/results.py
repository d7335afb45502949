"""A finished task's scenes, as `ManimTaskCompleted` lists them: the version of each scene
that went into the combined video, with its files."""

from __future__ import annotations

from videogen_contracts.script.manim import (
    SceneResult,
    ScenesCombined,
    scene_blob_keys,
    scene_id_of,
)

from script_service.app.manim_task.session_view import SessionView


def scene_results(
    session_id: str, combined: ScenesCombined, view: SessionView
) -> list[SceneResult]:
    results = []
    for scene in combined.scenes:
        rendered = view.renders.get((scene.scene_number, scene.version))
        # The render worker stores the code under its deterministic key; the event names it.
        code_key = (
            rendered.code_key if rendered
            else scene_blob_keys(session_id, scene.scene_number, scene.version)[2]
        )
        results.append(SceneResult(
            scene_id=scene_id_of(session_id, scene.scene_number),
            scene_number=scene.scene_number, version=scene.version, video_key=scene.video_key,
            srt_key=scene.srt_key, code_key=code_key, duration_s=scene.duration_s,
        ))
    return results
