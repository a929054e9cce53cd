// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title FeeOnTransferERC20
/// @notice Burns a fixed share of every transfer, so the receiver gets less than was sent.
///         Used to prove that code measuring balances, not amounts, stays correct.
contract FeeOnTransferERC20 is ERC20 {
    /// @dev Raised when the fee is above 100%.
    error FeeOnTransferERC20FeeTooHigh(uint256 maxBps, uint256 feeBps);

    /// @notice The share of each transfer that is burned, in basis points.
    uint256 public immutable feeBps;

    constructor(string memory name_, string memory symbol_, uint256 feeBps_) ERC20(name_, symbol_) {
        if (feeBps_ > 10_000) revert FeeOnTransferERC20FeeTooHigh(10_000, feeBps_);
        feeBps = feeBps_;
    }

    /// @notice Mints `amount` to `to` without a fee. Open to anyone: test chains only.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @dev Mints and burns are untaxed; every other movement burns `feeBps` of the amount.
    function _update(address from, address to, uint256 value) internal override {
        if (from == address(0) || to == address(0)) {
            super._update(from, to, value);
            return;
        }
        uint256 fee = (value * feeBps) / 10_000;
        super._update(from, address(0), fee);
        super._update(from, to, value - fee);
    }
}
