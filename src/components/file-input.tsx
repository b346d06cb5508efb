// A file picker styled as a button: hands over the chosen files and resets the input, so picking
// the same file again (after fixing it) is a new choice.
export interface FileInputProps {
  label: string;
  testId: string;
  accept?: string;
  disabled?: boolean;
  /** Pick a folder (every file in it, with webkitRelativePath) instead of files. */
  folder?: boolean;
  /** The files picked (an empty list when the picker was dismissed). */
  onFiles(files: File[]): void;
}

export function FileInput({ label, testId, accept, disabled = false, folder = false, onFiles }: FileInputProps) {
  return (
    <label className="file-button">
      {label}
      <input
        type="file"
        accept={accept}
        data-testid={testId}
        disabled={disabled}
        {...(folder ? { webkitdirectory: '' } : {})}
        onChange={(e) => {
          const files = [...(e.target.files ?? [])];
          e.target.value = '';
          onFiles(files);
        }}
      />
    </label>
  );
}
