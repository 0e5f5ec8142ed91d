import { setImmediate as nextTurn } from 'node:timers'

/** Replaced once per event-loop turn in which a token was asked for. */
let turn: object = {}
let turnEnding = false

/**
 * A token of the current event-loop turn: the same object for calls in one turn, a different one in
 * any later turn. The pool marks a connection with it when the connection comes back, to tell
 * whether a poll phase (and so news of a reset) can have come since.
 *
 * @example
 * const token = currentTurn()
 * isCurrentTurn(token) // true until the loop turns
 */
export function currentTurn(): object {
  if (!turnEnding) {
    turnEnding = true
    nextTurn(() => {
      turn = {}
      turnEnding = false
    })
  }
  return turn
}

/** Whether `token` came from {@link currentTurn} in this same turn. */
export function isCurrentTurn(token: object | undefined): boolean {
  return token === turn
}
