# Builds demo.blend, the scene `drover demo blender` renders: a coloured cube turning and hopping and a ball
# rolling over a checkered floor for 24 frames, lit by a sun and a fill light, seen by a still camera.
# Regenerate with:  blender -b --factory-startup --python examples/blender/make-scene.py
import math
import os

import bpy

scene = bpy.context.scene
for obj in list(bpy.data.objects):
    bpy.data.objects.remove(obj, do_unlink=True)

scene.frame_start = 1
scene.frame_end = 24
scene.render.engine = 'CYCLES'
scene.cycles.samples = 16
scene.cycles.use_denoising = False
scene.render.resolution_x = 320
scene.render.resolution_y = 240
scene.render.resolution_percentage = 100
scene.render.image_settings.file_format = 'PNG'


def material(name, rgb, roughness=0.4):
    mat = bpy.data.materials.new(name)
    mat.use_nodes = True
    bsdf = mat.node_tree.nodes['Principled BSDF']
    bsdf.inputs['Base Color'].default_value = (*rgb, 1.0)
    bsdf.inputs['Roughness'].default_value = roughness
    return mat


def checker_material():
    mat = bpy.data.materials.new('Floor')
    mat.use_nodes = True
    nodes, links = mat.node_tree.nodes, mat.node_tree.links
    checker = nodes.new('ShaderNodeTexChecker')
    checker.inputs['Scale'].default_value = 8.0
    checker.inputs['Color1'].default_value = (0.85, 0.85, 0.8, 1.0)
    checker.inputs['Color2'].default_value = (0.25, 0.3, 0.35, 1.0)
    links.new(checker.outputs['Color'], nodes['Principled BSDF'].inputs['Base Color'])
    return mat


bpy.ops.mesh.primitive_plane_add(size=12, location=(0, 0, 0))
floor = bpy.context.active_object
floor.data.materials.append(checker_material())

bpy.ops.mesh.primitive_cube_add(size=1.6, location=(0, 0, 1.2))
cube = bpy.context.active_object
cube.name = 'Cube'
cube.data.materials.append(material('Orange', (0.95, 0.35, 0.05), 0.3))
bevel = cube.modifiers.new('Bevel', 'BEVEL')
bevel.width = 0.12
bevel.segments = 3

bpy.ops.mesh.primitive_uv_sphere_add(radius=0.5, location=(2.6, 0.4, 0.5))
sphere = bpy.context.active_object
sphere.data.materials.append(material('Blue', (0.1, 0.35, 0.9), 0.15))
bpy.ops.object.shade_smooth()

# A quarter turn with a hop for the cube, a roll across the floor for the sphere (a cube turned by 90°
# looks like the unturned one, so the turn stops there and every frame differs).
for frame, turn, height, sphere_x in ((1, 0.0, 1.2, 3.0), (12, math.pi / 4, 1.9, 2.2), (24, math.pi / 2, 1.2, 1.4)):
    cube.rotation_euler = (0.0, 0.0, turn)
    cube.location.z = height
    cube.keyframe_insert('rotation_euler', frame=frame)
    cube.keyframe_insert('location', frame=frame)
    sphere.location.x = sphere_x
    sphere.rotation_euler = (0.0, -sphere_x / 0.5, 0.0)
    sphere.keyframe_insert('location', frame=frame)
    sphere.keyframe_insert('rotation_euler', frame=frame)

bpy.ops.object.light_add(type='SUN', location=(4, -4, 8))
sun = bpy.context.active_object
sun.data.energy = 2.0
sun.rotation_euler = (math.radians(40), math.radians(15), math.radians(30))
bpy.ops.object.light_add(type='AREA', location=(-4, -3, 4))
fill = bpy.context.active_object
fill.data.energy = 150.0
fill.data.size = 4.0

world = bpy.data.worlds.new('Sky') if scene.world is None else scene.world
scene.world = world
world.use_nodes = True
world.node_tree.nodes['Background'].inputs['Color'].default_value = (0.55, 0.7, 0.9, 1.0)
world.node_tree.nodes['Background'].inputs['Strength'].default_value = 0.4

bpy.ops.object.camera_add(location=(6.0, -6.5, 4.2))
camera = bpy.context.active_object
scene.camera = camera
bpy.ops.object.empty_add(location=(0.8, 0.2, 1.1))
look_at = bpy.context.active_object
track = camera.constraints.new('TRACK_TO')
track.target = look_at
track.track_axis = 'TRACK_NEGATIVE_Z'
track.up_axis = 'UP_Y'

here = os.path.dirname(os.path.abspath(__file__))
bpy.ops.wm.save_as_mainfile(filepath=os.path.join(here, 'demo.blend'), compress=True)
