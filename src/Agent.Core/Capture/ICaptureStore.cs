namespace Agent.Core.Capture;

/// <summary>Where capture files are created and deleted: the disk for the command, memory for tests.</summary>
public interface ICaptureStore
{
    /// <summary>Creates (or replaces) the file at <paramref name="path"/>, open for writing.</summary>
    Stream Create(string path);

    void Delete(string path);
}
