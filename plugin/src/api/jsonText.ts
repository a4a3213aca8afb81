/** An action's data already serialized as JSON (the cached account list): sent as it is. */
export class JsonText {
  /** The JSON text of the data. */
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}
