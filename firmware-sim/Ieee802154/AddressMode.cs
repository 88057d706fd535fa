namespace FirmwareSim.Ieee802154;

/// <summary>The addressing modes of an 802.15.4 frame control field (bits 10-11 and 14-15).</summary>
public enum AddressMode
{
    None = 0,
    Reserved = 1,
    Short = 2,
    Extended = 3,
}
