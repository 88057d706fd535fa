namespace Agent.Connectors.Serial.OpenWsn;

/// <summary>The action byte of an <c>R</c> frame (OPENWSN.md C): what the mote does with its DAG-root role.</summary>
public enum SetRootFrameAction : byte
{
    /// <summary><c>Y</c>: become DAG root; idempotent, so safe to repeat (E item 4).</summary>
    Set = (byte)'Y',

    /// <summary><c>N</c>: stop being DAG root.</summary>
    Clear = (byte)'N',

    /// <summary><c>T</c>: what OV always sends; un-roots a mote that is already root (D.5), so avoid it.</summary>
    Toggle = (byte)'T',
}
