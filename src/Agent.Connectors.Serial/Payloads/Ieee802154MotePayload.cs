using Agent.Core.Drops;

namespace Agent.Connectors.Serial.Payloads;

/// <summary>
/// Raw IEEE 802.15.4 MAC frames without FCS, the original agent's probe mode (PROTOCOL.md 4): every frame goes up
/// with the bytes as read off the wire (<c>data_slip</c>); <c>serial.started</c> is said on every (re)open of the line.
/// </summary>
public sealed class Ieee802154MotePayload(int maxFrame) : IMotePayload
{
    public void FromMote(ReadOnlySpan<byte> frame, ReadOnlySpan<byte> wire, IMoteLink link) =>
        link.Up(frame.ToArray(), wire.ToArray());

    public void OnOpened(IMoteLink link) => link.Changed();

    public Drop? CheckDownlink(ReadOnlySpan<byte> frame) =>
        frame.IsEmpty ? new Drop(DropReason.EmptyFrame, "empty data")
        : frame.Length > maxFrame ? new Drop(DropReason.Oversize, $"{frame.Length} bytes, more than --max-frame {maxFrame}")
        : null;
}
