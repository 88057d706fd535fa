namespace Agent.Core.Capture;

/// <summary>The file formats <c>agent capture --write</c> writes, told by the file's extension.</summary>
public enum CaptureFormat
{
    /// <summary>Classic libpcap (<c>.pcap</c>): one link type per file.</summary>
    Pcap,

    /// <summary>pcapng (<c>.pcapng</c>): one interface per agent and link type, named after the agent.</summary>
    PcapNg,
}
