"""A head turn acted out on a face photo: its landmarks rotated as a 3D head, the picture warped
triangle by triangle to follow them.

Each of dlib's 68 landmarks gets a depth (a curved face that is flat at the jaw points, the nose
and lips standing out of it), a few forehead points are added above the brows, and a frame of
fixed anchors around the head keeps the hair and background in place. Turning rotates the points
about a vertical axis through the jaw points and projects them straight onto the picture; every
Delaunay triangle of the points is then mapped from the photo to its turned place by its own
affine transform, all drawn with one `cv2.remap`.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
from numpy.typing import NDArray

from vision.faces.liveness.geometry import Landmarks
from vision.sources.base import Image

MAX_TURN_DEG = 35.0  # the full turn: dlib then measures a yaw of 0.4-0.8 on frontal portraits
MAX_REST_DEG = 25.0  # a photo turned further than this is only straightened this much
FACE_DEPTH = 0.6  # the face's middle in front of the jaw points, in half face widths; under
# cot(MAX_TURN_DEG) / 2 so the curved surface never folds over itself while turning
# nose 27-35 in front of the face; a deep nose tip occludes the far cheek (those triangles are
# culled), and dlib follows only about 2/3 of the modelled turn, so it is deeper than real ones
NOSE_DEPTH = {27: 0.12, 28: 0.24, 29: 0.4, 30: 0.6, 31: 0.2, 32: 0.3, 33: 0.4, 34: 0.3, 35: 0.2}
LIP_DEPTH = 0.06  # lips 48-67 stand a little out of the face
FOREHEAD = 0.4  # forehead points this far above the brows, in brow-to-chin heights
MARGIN = (1.7, 1.0, 0.5)  # fixed frame around the head: half widths aside, heights above, below
ANCHORS_PER_SIDE = 4

Points = NDArray[np.float64]


class HeadTurn:
    """Turns one placed photo's head; made once per photo, `warp` runs per frame."""

    def __init__(self, landmarks: Landmarks, size: tuple[int, int]) -> None:
        width, height = size
        jaw_l, jaw_r = landmarks[0], landmarks[16]
        self.centre = (jaw_l[0] + jaw_r[0]) / 2  # the vertical axis the head turns about
        half = max((jaw_r[0] - jaw_l[0]) / 2, 1.0)
        brow_y = float(landmarks[17:27, 1].mean())
        face_h = max(float(landmarks[8, 1]) - brow_y, 1.0)
        brows = landmarks[17:27]
        forehead = np.column_stack(
            [self.centre + (brows[:, 0] - self.centre) * 1.05, brows[:, 1] - FOREHEAD * face_h]
        )
        face = np.vstack([landmarks, forehead])
        aside, above, below = MARGIN
        left = max(self.centre - aside * half, 0.0)
        right = min(self.centre + aside * half, width - 1.0)
        top = max(brow_y - above * face_h, 0.0)
        bottom = min(float(landmarks[8, 1]) + below * face_h, height - 1.0)
        self.roi = (int(left), int(top), int(math.ceil(right)) + 1, int(math.ceil(bottom)) + 1)
        # a face cut by the frame's edge: its points stay inside the anchors' frame
        face[:, 0] = np.clip(face[:, 0], left + 1, right - 1)
        face[:, 1] = np.clip(face[:, 1], top + 1, bottom - 1)
        u = np.clip((face[:, 0] - self.centre) / half, -1, 1)
        depth = FACE_DEPTH * (1 - u**2)  # a parabola: 0 at the jaw points, never too steep
        for index, extra in NOSE_DEPTH.items():
            depth[index] += extra
        depth[48:68] += LIP_DEPTH
        self._face = np.column_stack([face, depth * half])  # x, y, z (towards the camera)
        self._anchors = _frame_points(self.roi)
        # the photo's own resting turn: the angle that puts the nose tip midway between the jaws
        nose = self._face[30]
        rest = math.degrees(math.atan2(-(nose[0] - self.centre), nose[2]))
        self.rest_deg = float(np.clip(rest, -MAX_REST_DEG, MAX_REST_DEG))
        self._source = self.points(0.0)
        self._triangles = _triangulate(self._source, self.roi)
        x0, y0, x1, y1 = self.roi
        grid_x, grid_y = np.meshgrid(np.arange(x0, x1), np.arange(y0, y1))
        self._grid = (grid_x.astype(np.float32), grid_y.astype(np.float32))

    def points(self, degrees: float, *, as_taken: bool = False) -> Points:
        """Where the face points and anchors are with the head turned `degrees` from the
        frontal pose (or from the photo's own pose), +: nose towards the image's right."""
        return self._turned(degrees, as_taken=as_taken)[:, :2]

    def _turned(self, degrees: float, *, as_taken: bool = False) -> Points:
        """x, y and depth of every point (anchors at depth 0)."""
        angle = math.radians(degrees if as_taken else self.rest_deg + degrees)
        x, y, z = self._face.T
        turned_x = self.centre + (x - self.centre) * math.cos(angle) + z * math.sin(angle)
        turned_z = z * math.cos(angle) - (x - self.centre) * math.sin(angle)
        face = np.column_stack([turned_x, y, turned_z])
        return np.vstack([face, np.column_stack([self._anchors, np.zeros(len(self._anchors))])])

    def straighten(self, image: Image) -> Image:
        """The photo turned to a frontal pose: its own resting turn taken away."""
        if not self.rest_deg:
            return image
        taken = self.points(0.0, as_taken=True)
        return self._remap(image, taken, self._turned(0.0))

    def warp(self, image: Image, degrees: float) -> Image:
        """The straightened picture with the head turned by `degrees` (+: their left)."""
        if not degrees:
            return image
        return self._remap(image, self._source, self._turned(degrees))

    def _remap(self, image: Image, source: Points, turned: Points) -> Image:
        """Each target triangle filled from its source triangle by that triangle's affine; the
        nearest drawn last and those turned away (flipped) left out, as a 3D renderer does."""
        x0, y0, x1, y1 = self.roi
        target = turned[:, :2]
        triangles = self._triangles
        facing = _signed_areas(target[triangles]) * _signed_areas(source[triangles]) > 0
        triangles = triangles[facing]
        triangles = triangles[np.argsort(turned[triangles, 2].mean(axis=1), kind="stable")]
        index = np.full((y1 - y0, x1 - x0), len(triangles), np.uint16)  # past the last: kept
        corners = np.round((target[triangles] - (x0, y0)) * 16).astype(np.int32)  # 4-bit subpixel
        for k, corner in enumerate(corners):
            cv2.fillConvexPoly(index, corner, k, lineType=cv2.LINE_8, shift=4)
        # each triangle's inverse map, solved for all at once: [x y 1] @ m = source (x, y)
        homogeneous = np.concatenate([target[triangles], np.ones((len(triangles), 3, 1))], axis=2)
        maps = np.linalg.solve(homogeneous, source[triangles])
        maps = np.concatenate([maps, np.array([[[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]]])])
        # one row per coefficient: np.take along rows is several times faster than maps[index]
        m = np.take(maps.transpose(2, 1, 0).reshape(6, -1).astype(np.float32), index, axis=1)
        grid_x, grid_y = self._grid
        map_x = grid_x * m[0] + grid_y * m[1] + m[2]
        map_y = grid_x * m[3] + grid_y * m[4] + m[5]
        out = image.copy()
        out[y0:y1, x0:x1] = cv2.remap(image, map_x, map_y, cv2.INTER_LINEAR)
        return out


def _signed_areas(corners: Points) -> NDArray[np.float64]:
    """Twice the signed area of each triangle (T x 3 x 2)."""
    a, b, c = corners[:, 0], corners[:, 1], corners[:, 2]
    return (b[:, 0] - a[:, 0]) * (c[:, 1] - a[:, 1]) - (b[:, 1] - a[:, 1]) * (c[:, 0] - a[:, 0])


def _frame_points(roi: tuple[int, int, int, int]) -> Points:
    """Fixed points along the border of the warped region (corners included)."""
    x0, y0, x1, y1 = roi
    steps = np.linspace(0, 1, ANCHORS_PER_SIDE + 1)[:-1]
    right, bottom = x1 - 1, y1 - 1
    sides = [
        np.column_stack([x0 + (right - x0) * steps, np.full_like(steps, y0)]),
        np.column_stack([np.full_like(steps, right), y0 + (bottom - y0) * steps]),
        np.column_stack([right - (right - x0) * steps, np.full_like(steps, bottom)]),
        np.column_stack([np.full_like(steps, x0), bottom - (bottom - y0) * steps]),
    ]
    return np.vstack(sides).astype(np.float64)


def _triangulate(points: Points, roi: tuple[int, int, int, int]) -> NDArray[np.int32]:
    """Delaunay triangles of the points, as index triples (cv2.Subdiv2D)."""
    x0, y0, x1, y1 = roi
    subdiv = cv2.Subdiv2D((x0 - 1, y0 - 1, x1 - x0 + 2, y1 - y0 + 2))
    where: dict[tuple[float, float], int] = {}
    for i, (x, y) in enumerate(points.astype(np.float32)):
        where.setdefault((float(x), float(y)), i)
        subdiv.insert((float(x), float(y)))
    triangles = []
    for t in np.asarray(subdiv.getTriangleList()).reshape(-1, 3, 2):
        corners = [where.get((float(x), float(y))) for x, y in t]
        if all(c is not None for c in corners):
            triangles.append(corners)
    return np.array(triangles, np.int32)
