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

    /// <summary>Writes one record; true when it was longer than the snap length and cut to it (its original length kept).</summary>
    bool Write(CaptureRecord record);
}
