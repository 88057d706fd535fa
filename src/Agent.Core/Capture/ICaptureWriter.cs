namespace Agent.Core.Capture;

/// <summary>Writes capture records into one stream, each record whole and flushed, so the file is readable at every moment.</summary>
public interface ICaptureWriter
{
    /// <summary>Bytes written so far, headers included.</summary>
    long Length { get; }

    /// <summary>Records written so far.</summary>
    long Records { get; }

    /// <summary>Whether this writer can hold a record of <paramref name="linkType"/>.</summary>
    bool Accepts(LinkType linkType);

    void Write(CaptureRecord record);
}
