// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {FeeOnTransferERC20} from "../../../contracts/test/tokens/FeeOnTransferERC20.sol";
import {Test} from "../utils/Test.sol";

/// @notice Drives the fee-on-transfer token with random mints and transfers between a few
///         holders, keeping ghost totals of what was minted and what was burned as fees.
contract FeeOnTransferHandler is Test {
    FeeOnTransferERC20 public immutable token;
    address[3] internal holders = [address(0x1001), address(0x1002), address(0x1003)];
    uint256 public ghostMinted;
    uint256 public ghostBurned;

    constructor(FeeOnTransferERC20 token_) {
        token = token_;
    }

    function mint(uint256 who, uint256 amount) external {
        amount = bound(amount, 0, 1e30);
        token.mint(holders[who % 3], amount);
        ghostMinted += amount;
    }

    function transfer(uint256 from, uint256 to, uint256 amount) external {
        address sender = holders[from % 3];
        amount = bound(amount, 0, token.balanceOf(sender));
        vm.prank(sender);
        token.transfer(holders[to % 3], amount);
        ghostBurned += (amount * token.feeBps()) / 10_000;
    }

    function sumOfBalances() external view returns (uint256 sum) {
        for (uint256 i; i < 3; ++i) {
            sum += token.balanceOf(holders[i]);
        }
    }
}

contract FeeOnTransferERC20InvariantTest is Test {
    FeeOnTransferERC20 internal token;
    FeeOnTransferHandler internal handler;

    function setUp() public {
        token = new FeeOnTransferERC20("Fee On Transfer", "FOT", 100);
        handler = new FeeOnTransferHandler(token);
        targetContract(address(handler));
    }

    /// @dev Supply is exactly what was minted less what fees burned.
    function invariant_supplyIsMintedLessBurned() public view {
        assertEq(token.totalSupply(), handler.ghostMinted() - handler.ghostBurned(), "totalSupply");
    }

    /// @dev No tokens appear or vanish outside the holders' balances.
    function invariant_balancesSumToSupply() public view {
        assertEq(handler.sumOfBalances(), token.totalSupply(), "sum of balances");
    }
}
