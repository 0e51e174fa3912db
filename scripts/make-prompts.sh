#!/bin/sh
# Regenerates Parley's spoken phone prompts (16 kHz mono 16-bit PCM WAV).
# Needs espeak-ng and sox (Debian: apt-get install espeak-ng sox).
# Usage: scripts/make-prompts.sh [output-dir]   (default: Prompts/ next to scripts/)
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-"$here/Prompts"}
mkdir -p "$out"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Voice, speed (words per minute) and pitch shared by every prompt.
VOICE=en-us
SPEED=150
PITCH=45

prompt() {
    name=$1
    text=$2
    # espeak-ng writes 22050 Hz mono; sox converts to 16 kHz, 16-bit, mono,
    # normalised to -3 dBFS peak, with 100 ms of silence at the end.
    espeak-ng -v "$VOICE" -s "$SPEED" -p "$PITCH" -w "$tmp/$name" "$text"
    sox -D "$tmp/$name" -r 16000 -c 1 -b 16 -e signed-integer "$out/$name" norm -3 pad 0 0.1
    echo "$out/$name: $text"
}

prompt enter-meeting-code.wav "Welcome to Parley. Please enter the meeting code, then the pound key."
prompt enter-passcode.wav     "Please enter the meeting passcode, then the pound key."
prompt invalid-code.wav       "That code is not valid. Please try again."
prompt goodbye.wav            "Sorry, we could not find that meeting. Goodbye."
prompt joining.wav            "Joining the meeting."
prompt recording.wav          "This meeting is being recorded."
prompt meeting-ended.wav      "The meeting has ended. Goodbye."
prompt muted.wav              "You are muted."
prompt unmuted.wav            "You are unmuted."
prompt removed.wav            "You have been removed from the meeting. Goodbye."
prompt meeting-full.wav       "This meeting is full. Goodbye."
prompt waiting.wav            "Please wait, the host will let you in soon."
prompt invalid-passcode.wav   "That passcode is not right. Please try again."
prompt wrong-passcode-goodbye.wav "Sorry, that passcode is not right. Goodbye."
prompt meeting-locked.wav     "This meeting is locked. Goodbye."
prompt not-admitted.wav       "The host did not let you in. Goodbye."
prompt sign-in-required.wav "This meeting accepts only signed-in participants. Goodbye."
