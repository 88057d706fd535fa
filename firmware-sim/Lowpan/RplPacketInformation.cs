namespace FirmwareSim.Lowpan;

/// <summary>
/// The RPI-6LoRH (RFC 8138 6.3) that replaces RPL's hop-by-hop option on OpenWSN links:
/// <c>0x80 | O R F I K</c>, type 5, the instance unless I is set (I means instance 0), then the sender's rank:
/// its high byte only when K is set (the low byte is zero), else both bytes.
/// </summary>
public readonly record struct RplPacketInformation(bool Down, bool RankError, bool ForwardingError, byte Instance, ushort SenderRank)
{
    private const byte FlagDown = 0x10;
    private const byte FlagRankError = 0x08;
    private const byte FlagForwardingError = 0x04;
    private const byte FlagInstanceElided = 0x02;
    private const byte FlagRankCompressed = 0x01;

    /// <summary>What a mote puts on a packet going up: instance 0, its own rank (FW forwarding_createRplOption).</summary>
    public static RplPacketInformation Upward(ushort rank, bool rankError = false) => new(false, rankError, false, 0, rank);

    public int EncodedLength => 2 + (Instance == 0 ? 0 : 1) + ((SenderRank & 0xFF) == 0 ? 1 : 2);

    public byte[] Encode()
    {
        var compressed = (SenderRank & 0xFF) == 0;
        var flags = (Down ? FlagDown : 0) | (RankError ? FlagRankError : 0) | (ForwardingError ? FlagForwardingError : 0) |
            (Instance == 0 ? FlagInstanceElided : 0) | (compressed ? FlagRankCompressed : 0);
        var bytes = new List<byte>(5) { (byte)(LowpanDispatch.Critical6LoRH | flags), LowpanDispatch.TypeRpi };
        if (Instance != 0) bytes.Add(Instance);
        bytes.Add((byte)(SenderRank >> 8));
        if (!compressed) bytes.Add((byte)SenderRank);
        return [.. bytes];
    }

    /// <summary>Reads an RPI-6LoRH at the start of <paramref name="data"/>; false if there is none, or it is cut short.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out RplPacketInformation rpi, out int length)
    {
        rpi = default;
        length = 0;
        if (data.Length < 3 || !LowpanDispatch.IsCritical6LoRH(data[0]) || data[1] != LowpanDispatch.TypeRpi) return false;
        var flags = data[0];
        var instanceElided = (flags & FlagInstanceElided) != 0;
        var compressed = (flags & FlagRankCompressed) != 0;
        length = 2 + (instanceElided ? 0 : 1) + (compressed ? 1 : 2);
        if (data.Length < length) return false;
        var i = 2;
        var instance = instanceElided ? (byte)0 : data[i++];
        var rank = compressed ? (ushort)(data[i] << 8) : (ushort)((data[i] << 8) | data[i + 1]);
        rpi = new RplPacketInformation((flags & FlagDown) != 0, (flags & FlagRankError) != 0, (flags & FlagForwardingError) != 0, instance, rank);
        return true;
    }
}
