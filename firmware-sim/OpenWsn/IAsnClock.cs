namespace FirmwareSim.OpenWsn;

/// <summary>The TSCH absolute slot number the DAG root stamps on what it prints (FW ieee154e_getAsn).</summary>
public interface IAsnClock
{
    /// <summary>The current ASN, 40 bits.</summary>
    long Read();
}
