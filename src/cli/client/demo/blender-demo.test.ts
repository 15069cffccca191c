import { describe, expect, it } from 'vitest';
import { planBlenderDemo } from './blender-demo.js';

const options = { out: 'x', frames: '1-24', resolution: '320x240', samples: 16, fps: 12 };

describe('planBlenderDemo', () => {
  it('renders into <out>/frames in batches spread over the agents, then encodes <out>/demo.mp4', () => {
    const plan = planBlenderDemo(options, '/tmp/demo', 3);
    expect(plan.frameCount).toBe(24);
    expect(plan.render).toMatchObject({
      jobtype: 'Blender',
      start: 1,
      end: 24,
      batch: 8,
      data: {
        file: '/tmp/demo/demo.blend',
        output: '/tmp/demo/frames/f_####',
        samples: 16,
        resolution_x: 320,
        resolution_y: 240,
      },
    });
    expect(plan.movie(7)).toMatchObject({
      jobtype: 'FFmpeg',
      parents: [{ id: 7 }],
      data: {
        input: '/tmp/demo/frames/f_%04d.png',
        output: '/tmp/demo/demo.mp4',
        start_number: 1,
        frames: 24,
        framerate: 12,
      },
    });
    expect(planBlenderDemo({ ...options, frames: '5-7' }, '/d', 0).render).toMatchObject({
      start: 5,
      end: 7,
      batch: 3,
    });
  });

  it('refuses frame lists and bad resolutions', () => {
    expect(() => planBlenderDemo({ ...options, frames: '1,5' }, '/d', 1)).toThrow(
      /one range of whole frames/,
    );
    expect(() => planBlenderDemo({ ...options, frames: '1-10x2' }, '/d', 1)).toThrow(/one range/);
    expect(() => planBlenderDemo({ ...options, resolution: '320' }, '/d', 1)).toThrow(
      /expected WIDTHxHEIGHT/,
    );
  });
});
