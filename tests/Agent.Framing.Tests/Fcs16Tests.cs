using Agent.Testing;
using System.Text;
using Agent.Framing;
using CsCheck;

namespace Agent.Framing.Tests;

public class Fcs16Tests
{
    [Fact]
    public void Check_value_of_123456789_is_906E() =>
        Assert.Equal(0x906E, Fcs16.Compute(Encoding.ASCII.GetBytes("123456789")));

    [Fact]
    public void Empty_input_gives_0000() => Assert.Equal(0x0000, Fcs16.Compute([]));

    [Fact]
    public void Payload_and_its_fcs_leave_the_good_residue()
    {
        var payload = Encoding.ASCII.GetBytes("123456789");
        var fcs = Fcs16.Compute(payload);
        byte[] frame = [.. payload, (byte)fcs, (byte)(fcs >> 8)];
        Assert.Equal(Fcs16.GoodResidue, Fcs16.Update(Fcs16.Initial, frame));
        Assert.Equal(0xF0B8, Fcs16.GoodResidue);
    }

    [Fact]
    public void Update_runs_on_across_pieces()
    {
        var data = Encoding.ASCII.GetBytes("123456789");
        var split = Fcs16.Update(Fcs16.Update(0xFFFF, data.AsSpan(0, 4)), data.AsSpan(4));
        Assert.Equal(0x906E, (ushort)~split);
    }

    [Fact]
    public void Eight_bytes_at_a_time_gives_what_one_byte_at_a_time_gives_for_any_data_and_start() =>
        Gen.Select(Gen.Byte.Array[0, 300], Gen.UShort).Sample((data, start) =>
            Assert.Equal(Fcs16.UpdateBytewise(start, data), Fcs16.Update(start, data)));
}
