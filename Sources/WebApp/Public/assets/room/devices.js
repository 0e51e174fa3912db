// "Audio and video settings" in the room: switch camera, microphone and
// speaker while in the meeting, and noise suppression. The camera and
// microphone are swapped into the publish connection with replaceTrack (no
// renegotiation: room-media.js reconciles the new LocalMedia track); sound
// plays on the chosen speaker through setSinkId where the browser has it.

import { h } from '../dom.js';
import { field, check } from '../components/forms.js';
import { openDialog } from '../components/dialog.js';
import { canChooseSpeaker } from '../components/media.js';
import { toast } from '../components/toast.js';

/** media: the room's LocalMedia; grid: the Grid (its setSpeaker). */
export function openDeviceSettings({ media, grid }) {
  return openDialog({
    title: 'Audio and video settings',
    className: 'devices-dialog',
    content: () => {
      const camera = field({ label: 'Camera', control: h('select', { name: 'camera', disabled: true }, h('option', { value: '' }, 'Looking for cameras…')) });
      const microphone = field({ label: 'Microphone', control: h('select', { name: 'microphone', disabled: true }, h('option', { value: '' }, 'Looking for microphones…')) });
      const speaker = canChooseSpeaker
        ? field({ label: 'Speaker', control: h('select', { name: 'speaker', disabled: true }, h('option', { value: '' }, 'Looking for speakers…')) })
        : null;
      const noise = check({ label: 'Noise suppression', checked: media.noiseSuppression });
      const noiseHint = h('p', { class: 'hint' }, 'Filters out steady background noise such as fans. Turn it off for music.');
      const status = h('p', { class: 'sr-only', role: 'status' });

      const fill = (sel, items, current, emptyLabel) => {
        if (!items.length) {
          sel.replaceChildren(h('option', { value: '' }, emptyLabel));
          sel.disabled = true;
          return;
        }
        sel.replaceChildren(...items.map((d) => h('option', { value: d.id }, d.label)));
        sel.value = current && items.some((d) => d.id === current) ? current : items[0].id;
        sel.disabled = false;
      };
      media.devices().then(({ cameras, microphones, speakers }) => {
        fill(camera.input, cameras, media.videoDeviceId, 'No camera found');
        fill(microphone.input, microphones, media.audioDeviceId, 'No microphone found');
        if (speaker) {
          const list = speakers.length ? speakers : [{ id: '', label: 'System default' }];
          fill(speaker.input, list, grid.sinkId || 'default', 'System default');
        }
      });

      camera.input.addEventListener('change', async () => {
        camera.input.disabled = true;
        await media.switchCamera(camera.input.value);
        camera.input.disabled = false;
        if (media.videoError && media.cameraOn) toast({ message: media.videoError, tone: 'error' });
        else status.textContent = 'Camera changed';
      });
      microphone.input.addEventListener('change', async () => {
        microphone.input.disabled = true;
        await media.switchMicrophone(microphone.input.value);
        microphone.input.disabled = false;
        if (media.audioError) toast({ message: media.audioError, tone: 'error' });
        else status.textContent = 'Microphone changed';
      });
      if (speaker) {
        speaker.input.addEventListener('change', async () => {
          const ok = await grid.setSpeaker(speaker.input.value);
          if (!ok) toast({ message: 'The sound could not be moved to that speaker.', tone: 'error' });
          else status.textContent = 'Speaker changed';
        });
      }
      noise.input.addEventListener('change', async () => {
        noise.input.disabled = true;
        await media.setNoiseSuppression(noise.input.checked);
        noise.input.disabled = false;
        status.textContent = media.noiseSuppression ? 'Noise suppression on' : 'Noise suppression off';
      });
      return h('div', { class: 'stack' },
        camera.wrap, microphone.wrap, speaker ? speaker.wrap : null,
        h('div', null, noise.wrap, noiseHint),
        status);
    },
  });
}
